"""Every shell command in README.md's ```sh / ```bash / ```shell fences, run as a reader would.

A command ends at the end of its line (a trailing backslash continues it); comments are dropped.
Trailing markers, in the command's comment:
  # not-run: REASON      listed, not run (needs the network, GitHub, a Mac, …)
  # exit-status: N       expected to exit N instead of 0
A command that is also a line of .ci/run is run there and not a second time here.

Each command runs with `bash -e -o pipefail` from the repository root, with HOME set to a scratch
folder (so `$HOME/.local` installs go there) and a `meridian` on PATH. Afterwards no tracked file may
have changed; files the commands created are removed.

  python3 scripts/readme_commands.py --list     # what would run
  python3 scripts/readme_commands.py --run      # run them (CI: scripts/test-readme.sh)
"""

import argparse
import os
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*(\w*)")
SHELLS = {"sh", "bash", "shell", "console"}


class Command:
    def __init__(self, text, line, comment):
        self.text, self.line = text, line
        self.not_run = re.search(r"not-run:\s*(.+)", comment or "")
        status = re.search(r"exit-status:\s*(\d+)", comment or "")
        self.expected_status = int(status.group(1)) if status else 0

    def __repr__(self):
        return f"README.md:{self.line}: {self.text}"


def strip_comment(line):
    """Splits `cmd   # comment` at the first # that starts a word outside quotes."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip(), line[index + 1:].strip()
    return line.rstrip(), None


def commands(markdown):
    found, fence, pending, start = [], None, "", 0
    for number, line in enumerate(markdown.splitlines(), 1):
        match = FENCE.match(line)
        if fence is None:
            if match:
                fence = (match.group(2), match.group(3).lower() in SHELLS)
            continue
        if match and match.group(2).startswith(fence[0]) and not match.group(3):
            fence = None
            continue
        if not fence[1]:
            continue
        text, comment = strip_comment(line.strip().removeprefix("$ "))
        if not pending:
            start = number
        if text.endswith("\\"):
            pending += text[:-1].rstrip() + " "
            continue
        text = pending + text
        pending = ""
        if text:
            found.append(Command(text, start, comment))
    return found


def ci_lines():
    return {line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()}


def tracked_state():
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout.splitlines()


def run(all_commands, meridian):
    in_ci = ci_lines()
    before = set(tracked_state())
    failures = []
    with tempfile.TemporaryDirectory() as scratch:
        bin_dir = pathlib.Path(scratch, "bin")
        bin_dir.mkdir()
        (bin_dir / "meridian").symlink_to(meridian)
        environment = dict(os.environ, HOME=scratch, PATH=f"{bin_dir}:{os.environ['PATH']}")
        for command in all_commands:
            if command.not_run:
                print(f"not run  {command}   ({command.not_run.group(1)})")
                continue
            if command.text in in_ci:
                print(f"in CI    {command}   (a step of .ci/run)")
                continue
            print(f"run      {command}", flush=True)
            result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", command.text], cwd=ROOT, env=environment,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if result.returncode != command.expected_status:
                print(result.stdout[-4000:])
                failures.append(f"{command}: exit {result.returncode}, expected {command.expected_status}")
    after = tracked_state()
    for entry in after:
        if entry in before:
            continue
        if entry.startswith("?? "):
            (ROOT / entry[3:]).unlink(missing_ok=True)
        else:
            failures.append(f"README commands changed a tracked file: {entry}")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", action="store_true")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--meridian", default=str(ROOT / ".build/debug/meridian"))
    arguments = parser.parse_args()
    found = commands((ROOT / "README.md").read_text())
    if not found:
        sys.exit("README.md: no ```sh commands found")
    if arguments.run:
        failures = run(found, arguments.meridian)
        for failure in failures:
            print(f"FAILED   {failure}", file=sys.stderr)
        ran = sum(1 for c in found if not c.not_run)
        print(f"README commands: {ran} executed (here or as .ci/run steps), {len(found) - ran} marked not-run, {len(failures)} failed")
        sys.exit(1 if failures else 0)
    for command in found:
        print(("not-run " if command.not_run else "") + repr(command))


if __name__ == "__main__":
    main()
