#!/usr/bin/env python3
"""Structure-aware fuzzing of the subcommands the libFuzzer targets do not drive as a user does:
`diff` (two blueprints, every format), `simulate --all-single` and `--down`, `drill plan`,
`explain` and `compile --assume-down` (docs/fuzzing.md, "Structure-aware runs").

Each run takes a seed blueprint (the examples and the test fixtures), changes it the way a person
edits YAML — a value scaled, zeroed, swapped for another of the blueprint's names, a key deleted or
duplicated under another name, a list item repeated or dropped — and runs one subcommand on it.
A finding is what the product must never do, whatever the input: die on a signal (a Swift trap),
exit with a code it does not document (0-3), or run past the timeout. Each finding is saved with
the command that reproduces it.

    scripts/structure-fuzz.py --seconds 600 [--binary .build/release/meridian] [--seed 1] [--out DIR]

Exit 0 when nothing was found, 1 otherwise; the last line is a summary with the run count.
"""
import argparse
import copy
import os
import pathlib
import random
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "Blueprints").glob("*.yaml")) + sorted((ROOT / "Tests").glob("**/Fixtures/**/*.yaml"))
DOCUMENTED_EXITS = {0, 1, 2, 3}
TOKENS = [0, -1, 1, 2, 3, 10**12, "0s", "1ms", "10y", "99.999%", "100%", "0%", "sync", "async", "required",
          "preferred", "elastic", "static", "", "~", None, [], {}, "a" * 300, "é\u202e\u0007", "{{.x}}", "../x"]


def leaves(node, path=()):
    """Every (path, value) below node, containers included."""
    yield path, node
    if isinstance(node, dict):
        for key, value in list(node.items()):
            yield from leaves(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaves(value, path + (index,))


def names(document):
    """Region, zone, residency, service and datastore names: what a cross-reference may say."""
    found = set()
    for section in ("regions", "residency", "services", "datastores"):
        if isinstance(document.get(section), dict):
            found.update(str(k) for k in document[section])
    regions = document.get("regions") if isinstance(document.get("regions"), dict) else {}
    for region in regions.values():
        if isinstance(region, dict) and isinstance(region.get("zones"), list):
            found.update(str(z) for z in region["zones"])
    return sorted(found) or ["x"]


def parent_of(document, path):
    node = document
    for key in path[:-1]:
        node = node[key]
    return node


def mutate(document, rng):
    """One to three edits of the kinds a person makes."""
    document = copy.deepcopy(document)
    known = names(document)
    for _ in range(rng.randint(1, 3)):
        spots = [(p, v) for p, v in leaves(document) if p]
        if not spots:
            break
        path, value = rng.choice(spots)
        parent, key = parent_of(document, path), path[-1]
        kind = rng.randrange(7)
        if kind == 0 and isinstance(value, (int, float)) and not isinstance(value, bool):
            parent[key] = rng.choice([0, 1, -1, value * rng.choice([2, 10, 1000]), value // 2 if isinstance(value, int) else value / 3])
        elif kind == 1 and isinstance(value, str):
            parent[key] = rng.choice(known + [value + value, value.upper(), value[: len(value) // 2]])
        elif kind == 2 and isinstance(parent, dict):
            del parent[key]
        elif kind == 3 and isinstance(parent, dict):
            parent[rng.choice(known + [str(key) + "2"])] = copy.deepcopy(value)
        elif kind == 4 and isinstance(value, list) and value:
            value.append(copy.deepcopy(rng.choice(value))) if rng.random() < 0.5 else value.pop(rng.randrange(len(value)))
        elif kind == 5 and isinstance(parent, list):
            parent.insert(rng.randrange(len(parent) + 1), copy.deepcopy(value))
        else:
            parent[key] = rng.choice(TOKENS + known)
    return document


def commands(binary, base, mutant, document, rng, scratch):
    """One subcommand on the mutant, chosen at random, with names taken from it."""
    declared = document.get("regions") if isinstance(document.get("regions"), dict) else {}
    regions = [str(r) for r in declared] or ["eu-west-1"]
    zones = []
    for region in declared.values():
        if isinstance(region, dict) and isinstance(region.get("zones"), list):
            zones += [str(z) for z in region["zones"]]
    down = ",".join(rng.sample(regions + zones, k=min(len(regions + zones), rng.randint(1, 2))) or ["eu-west-1"])
    choices = [
        [binary, "diff", str(base), str(mutant), "--format", rng.choice(["text", "markdown", "json"]), "--max-bytes", str(rng.choice([0, 3000, 60000]))],
        [binary, "diff", str(mutant), str(base), "--format", "markdown"],
        [binary, "simulate", str(mutant), "--all-single", "--format", rng.choice(["text", "json"])],
        [binary, "simulate", str(mutant), "--down", down, "--format", rng.choice(["text", "markdown", "json"])],
        [binary, "drill", "plan", str(mutant), "--down", down, "--format", rng.choice(["text", "markdown", "json"])],
        [binary, "explain", str(mutant), "--format", rng.choice(["text", "markdown", "json", "dot", "mermaid"])],
        [binary, "compile", str(mutant), "--assume-down", rng.choice(regions), "-o", str(scratch / "out"), "--no-cache"],
    ]
    return rng.choice(choices)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "meridian"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=20, help="seconds per command")
    parser.add_argument("--out", default=str(ROOT / ".build" / "structure-fuzz"))
    arguments = parser.parse_args()
    arguments.binary = os.path.abspath(arguments.binary)  # commands run in a scratch folder
    if not os.access(arguments.binary, os.X_OK):
        sys.exit(f"{arguments.binary} is missing: swift build -c release")
    rng = random.Random(arguments.seed)
    seeds = []
    for path in SEEDS:
        try:
            document = yaml.safe_load(path.read_text())
        except yaml.YAMLError:
            continue
        if isinstance(document, dict) and "regions" in document:
            seeds.append((path, document))
    out = pathlib.Path(arguments.out)
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SWIFT_BACKTRACE": "enable=no", "NO_COLOR": "1"}
    deadline = time.monotonic() + arguments.seconds
    runs, exits, findings, per_command = 0, {}, [], {}
    with tempfile.TemporaryDirectory() as temporary:
        scratch = pathlib.Path(temporary)
        while time.monotonic() < deadline:
            base, document = rng.choice(seeds)
            mutant_document = mutate(document, rng)
            mutant = scratch / "mutant.yaml"
            try:
                mutant.write_text(yaml.safe_dump(mutant_document, sort_keys=False, allow_unicode=True))
            except (yaml.YAMLError, RecursionError):
                continue
            command = commands(arguments.binary, base, mutant, mutant_document, rng, scratch)
            name = command[1] if command[1] != "drill" else "drill plan"
            started = time.monotonic()
            try:
                result = subprocess.run(command, capture_output=True, env=env, timeout=arguments.timeout, cwd=scratch)
                code, why = result.returncode, None
                if code < 0:
                    why = f"signal {-code}"
                elif code not in DOCUMENTED_EXITS:
                    why = f"exit {code}"
            except subprocess.TimeoutExpired:
                code, why = "timeout", f"over {arguments.timeout:g} s"
            runs += 1
            per_command[name] = per_command.get(name, 0) + 1
            exits[code] = exits.get(code, 0) + 1
            if why:
                case = out / f"finding-{len(findings) + 1}"
                case.mkdir(exist_ok=True)
                shutil.copy(mutant, case / "mutant.yaml")
                shown = [str(case / "mutant.yaml") if part == str(mutant) else part for part in command]
                (case / "command.txt").write_text(" ".join(shown) + f"\n# {why} after {time.monotonic() - started:.1f} s\n")
                findings.append((why, shown))
                print(f"FINDING {why}: {' '.join(shown)}", flush=True)
            shutil.rmtree(scratch / "out", ignore_errors=True)
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(per_command.items()))
    codes = ", ".join(f"{k}: {v}" for k, v in sorted(exits.items(), key=lambda item: str(item[0])))
    print(f"structure-fuzz: {runs} runs in {arguments.seconds:g} s ({summary}); exit codes {codes}; {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
