"""conftest.py turns a skip into a failure when CI is set; checked on a scratch test that skips."""

import os
import pathlib
import shutil
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent


def run_skipping_test(tmp_path, ci):
    shutil.copy(HERE / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_probe.py").write_text(
        "import pytest\n\ndef test_needs_schemas():\n    pytest.skip('Argo CD CRD schema not found')\n")
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        environment["CI"] = "true"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          capture_output=True, text=True, env=environment, cwd=tmp_path)


def test_a_skip_fails_in_ci(tmp_path):
    result = run_skipping_test(tmp_path, ci=True)
    assert result.returncode == 1, result.stdout
    assert "skipped in CI, where every validator must run: Skipped: Argo CD CRD schema not found" in result.stdout


def test_a_skip_is_a_skip_elsewhere(tmp_path):
    result = run_skipping_test(tmp_path, ci=False)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
