"""The `meridian` binary the validator tests run: $MERIDIAN_BIN, or the debug build (built on demand)."""

import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def binary():
    explicit = os.environ.get("MERIDIAN_BIN")
    if explicit:
        return explicit
    built = ROOT / ".build/debug/meridian"
    if not built.exists():
        subprocess.run(["swift", "build", "--product", "meridian"], cwd=ROOT, check=True)
    return str(built)


def meridian(*arguments, **options):
    return subprocess.run([binary(), *arguments], capture_output=True, text=True, cwd=options.pop("cwd", ROOT), **options)
