"""The action's final gate: every step reported, the right ones fail the job."""
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "scripts" / "action"))
import gate  # noqa: E402

CLEAN = {"LINT": "success", "LINT_CODE": "0", "SARIF": "success", "CHECK": "success", "CHECK_CODE": "0",
         "DIFF": "success", "COMMENT": "success", "COMMENT_ACTION": "updated"}


def test_all_clean_passes_and_reports_every_step(tmp_path):
    summary = tmp_path / "summary.md"
    assert gate.main({**CLEAN, "GITHUB_STEP_SUMMARY": str(summary)}) == 0
    text = summary.read_text()
    for step in ("lint", "SARIF", "compile --check", "diff", "comment"):
        assert f"| {step} |" in text


@pytest.mark.parametrize("change, failed", [
    ({"LINT": "failure", "LINT_CODE": "1"}, "lint"),
    ({"CHECK": "failure", "CHECK_CODE": "3"}, "compile --check"),
    ({"DIFF": "failure"}, "diff"),
])
def test_a_failed_step_fails_the_job_and_the_others_are_still_reported(change, failed, capsys):
    assert gate.main({**CLEAN, **change}) == 1
    out = capsys.readouterr().out
    assert f"::error title=meridian::failed: {failed}" in out
    assert "| comment | success | updated |" in out


def test_stale_output_can_be_allowed_but_errors_cannot():
    assert gate.main({**CLEAN, "CHECK": "failure", "CHECK_CODE": "3", "FAIL_ON_STALE": "false"}) == 0
    assert gate.main({**CLEAN, "CHECK": "failure", "CHECK_CODE": "1", "FAIL_ON_STALE": "false"}) == 1


def test_a_comment_that_could_not_be_written_is_a_warning(capsys):
    assert gate.main({**CLEAN, "COMMENT": "failure", "COMMENT_ACTION": ""}) == 0
    assert "::warning title=meridian::" in capsys.readouterr().out


def test_outside_pull_requests_diff_and_comment_are_not_listed(capsys):
    env = {k: v for k, v in CLEAN.items() if k not in ("DIFF", "COMMENT", "COMMENT_ACTION")}
    assert gate.main(env) == 0
    out = capsys.readouterr().out
    assert "| diff |" not in out and "| comment |" not in out


def test_a_lint_that_never_ran_fails():
    assert gate.main({**CLEAN, "LINT": "skipped", "LINT_CODE": ""}) == 1
