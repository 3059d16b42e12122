#!/usr/bin/env python3
"""The action's last step: reports every step's result in the job summary, then fails the job
when lint, the output check or the diff failed. Earlier steps run with continue-on-error, so one
failure never hides the others' results. A comment that could not be written is a warning only:
an API hiccup or a fork's read-only token says nothing about the blueprints.

Reads the step outcomes from the environment (set by action.yml); exit 0 pass, 1 fail.
"""
import os
import sys

from pr_comment import append

LINT_CODES = {"0": "clean", "1": "findings", "2": "unreadable input or bad usage"}
# compile --check checks the blueprints that compile even when others have errors: 1 means the
# others' output is current, 3 that some of it is stale (whatever lint says of the rest).
CHECK_CODES = {"0": "output is current", "1": "blueprints have errors (see lint); the output of those that compile is current",
               "2": "unreadable input", "3": "committed output is stale"}


def verdicts(env):
    """(step, outcome, detail, fails the job) for each step that ran."""
    rows = []
    lint_code = env.get("LINT_CODE", "")
    rows.append(("lint", env.get("LINT", "skipped"), LINT_CODES.get(lint_code, f"exit {lint_code}" if lint_code else "did not run"),
                 lint_code != "0"))
    if env.get("SARIF", "skipped") != "skipped":
        rows.append(("SARIF", env["SARIF"], "written for code scanning", False))
    check_code = env.get("CHECK_CODE", "")
    stale_fails = env.get("FAIL_ON_STALE", "true") == "true"
    rows.append(("compile --check", env.get("CHECK", "skipped"),
                 CHECK_CODES.get(check_code, f"exit {check_code}" if check_code else "did not run"),
                 check_code != "0" and (stale_fails or check_code != "3")))
    if env.get("DIFF", "skipped") != "skipped":
        rows.append(("diff", env["DIFF"], "in the job summary and the artifact" if env["DIFF"] == "success" else "failed, see its log",
                     env["DIFF"] == "failure"))
    if env.get("COMMENT", "skipped") != "skipped":
        rows.append(("comment", env["COMMENT"], env.get("COMMENT_ACTION") or "failed, see its log", False))
    return rows


def main(env):
    rows = verdicts(env)
    table = "### Meridian\n\n| step | outcome | result |\n|---|---|---|\n"
    table += "".join(f"| {step} | {'❌ ' if fails else ''}{outcome} | {detail} |\n" for step, outcome, detail, fails in rows)
    if env.get("GITHUB_STEP_SUMMARY"):
        # Not through a link or into a FIFO: the comment script's append, as every file the action writes.
        append(env["GITHUB_STEP_SUMMARY"], table + "\n")
    print(table)
    if env.get("COMMENT") == "failure":
        print("::warning title=meridian::the pull-request comment could not be written; see the comment step")
    failed = [step for step, _, _, fails in rows if fails]
    if failed:
        print(f"::error title=meridian::failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
