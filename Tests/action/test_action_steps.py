"""action.yml's own steps, run here the way a runner would: each `run:` script with bash
`-eo pipefail` (GitHub's composite default), the `${{ }}` expressions of `env:` and `if:`
evaluated, step outputs read from $GITHUB_OUTPUT, `continue-on-error` honoured. Steps that `uses:`
another action (cache, SARIF upload, artifact) are stood in for: they are GitHub's to test.

The pull request comes from a fork, so the comment script makes no API call and writes the diff
to the job summary: the whole chain runs offline, with the real binary and the real scripts.
"""
import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
MERIDIAN = pathlib.Path(os.environ.get("MERIDIAN", ROOT / ".build" / "debug" / "meridian"))
PAYLOADS = pathlib.Path(__file__).resolve().parent / "payloads"
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def evaluate(expression, context):
    """The subset of GitHub's expression language action.yml uses: dotted names, '' strings,
    ==, !=, &&, ||, always()."""
    strings = []

    def keep(match):
        strings.append(match.group(1))
        return f"__s{len(strings) - 1}__"

    python = re.sub(r"'([^']*)'", keep, expression)
    python = python.replace("always()", "True").replace("&&", " and ").replace("||", " or ")

    def lookup(match):
        name = match.group(0)
        if name in ("True", "and", "or") or name.startswith("__s"):
            return name
        value = context
        for part in name.split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        return repr(value)

    python = re.sub(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*", lookup, python)
    python = re.sub(r"__s(\d+)__", lambda m: repr(strings[int(m.group(1))]), python)
    return eval(python, {"__builtins__": {}})  # noqa: S307 - only names resolved above remain


def interpolate(text, context):
    return EXPRESSION.sub(lambda m: str(evaluate(m.group(1), context)), str(text))


def run_action(workspace, inputs, event_name="event-pull-request-fork.json"):
    """Runs every step; returns (steps context, action outputs, gate exit status, summary text)."""
    temp, home = workspace / "runner-temp", workspace / "home"
    temp.mkdir()
    home.mkdir()
    base_sha = subprocess.run(["git", "rev-parse", "HEAD~1"], cwd=workspace / "repo", capture_output=True, text=True).stdout.strip()
    event = json.loads((PAYLOADS / event_name).read_text())
    event["pull_request"]["base"]["sha"] = base_sha
    (workspace / "event.json").write_text(json.dumps(event))
    context = {"github": {"event": event, "token": "token"}, "runner": {"temp": str(temp)}, "steps": {}}
    context["inputs"] = {name: interpolate(spec.get("default", ""), context) for name, spec in ACTION["inputs"].items()}
    context["inputs"].update(inputs)
    summary, path_file = workspace / "summary.md", workspace / "path"
    summary.touch()
    path_file.touch()
    base_env = {"PATH": os.environ["PATH"], "HOME": str(home), "RUNNER_TEMP": str(temp), "RUNNER_OS": "Linux",
                "RUNNER_ARCH": "X64", "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_STEP_SUMMARY": str(summary),
                "GITHUB_PATH": str(path_file), "GITHUB_EVENT_PATH": str(workspace / "event.json"),
                "GITHUB_REPOSITORY": "acme/infra", "GITHUB_WORKSPACE": str(workspace / "repo"), "CI": "true"}
    gate_status, failed = None, False
    for step in ACTION["runs"]["steps"]:
        condition = step.get("if", "success()").replace("success()", repr(not failed))
        if not evaluate(condition, context):
            context["steps"].setdefault(step.get("id", step["name"]), {"outcome": "skipped", "outputs": {}})
            continue
        outputs, status = {}, 0
        if "uses" in step:
            if step["uses"].startswith("actions/cache"):
                outputs = {"cache-hit": "true"}
        else:
            output_file = workspace / "output"
            output_file.write_text("")
            env = {**base_env, "GITHUB_OUTPUT": str(output_file),
                   **{key: interpolate(value, context) for key, value in step.get("env", {}).items()}}
            env["PATH"] = ":".join(path_file.read_text().split() + [env["PATH"]])
            result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                    cwd=workspace / "repo", env=env, capture_output=True, text=True)
            status = result.returncode
            outputs = dict(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)
            if step["name"] == "Result":
                gate_status = status
                print(result.stdout)
        outcome = "success" if status == 0 else "failure"
        context["steps"][step.get("id", step["name"])] = {"outcome": outcome, "outputs": outputs}
        if outcome == "failure" and not step.get("continue-on-error") and step["name"] != "Result":
            failed = True
    action_outputs = {name: interpolate(spec["value"], context) for name, spec in ACTION["outputs"].items()}
    return context["steps"], action_outputs, gate_status, summary.read_text()


@pytest.fixture
def workspace(tmp_path):
    """A repository whose base commit has a blueprint and its compiled Output/, and whose head
    raises demand without recompiling: the diff has changes and the committed output is stale."""
    if not os.access(MERIDIAN, os.X_OK):
        pytest.fail(f"{MERIDIAN} is missing: run `swift build` first")
    repo = tmp_path / "repo"
    (repo / "Blueprints").mkdir(parents=True)
    original = (ROOT / "Blueprints" / "neobank-active-standby.yaml").read_text()
    (repo / "Blueprints" / "bank.yaml").write_text(original)
    subprocess.run([str(MERIDIAN), "compile", "Blueprints/bank.yaml"], cwd=repo, check=True, capture_output=True)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(git + ["init", "-q"], cwd=repo, check=True)
    subprocess.run(git + ["add", "."], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-qm", "base"], cwd=repo, check=True)
    (repo / "Blueprints" / "bank.yaml").write_text(original.replace("demand: { eu: 4000 }", "demand: { eu: 5000 }"))
    subprocess.run(git + ["commit", "-qam", "more demand"], cwd=repo, check=True)
    return tmp_path


def test_a_stale_output_fails_the_job_but_every_step_still_reports(workspace):
    steps, outputs, gate, summary = run_action(workspace, {"meridian-binary": str(MERIDIAN)})
    assert outputs["lint-exit-code"] == "0"
    assert outputs["check-exit-code"] == "3"
    assert steps["check"]["outcome"] == "failure"
    # The steps after the failed check still ran: diff, summary, comment, gate.
    assert outputs["diff-changed"] == "true"
    assert steps["diff"]["outcome"] == "success"
    assert outputs["comment-action"] == "not-permitted"   # a fork: no API call, diff in the summary
    assert gate == 1
    assert "## Meridian diff" in summary and "**Capacity changes:**" in summary
    assert "not posted as a comment" in summary
    assert "| compile --check | ❌ failure | committed output is stale |" in summary
    assert pathlib.Path(outputs["diff-file"]).read_text().startswith("### `Blueprints/bank.yaml`")


def test_a_lint_error_is_annotated_and_the_diff_still_posted(workspace):
    repo = workspace / "repo"
    bank = repo / "Blueprints" / "bank.yaml"
    bank.write_text(bank.read_text().replace("interval: 10s, failureThreshold: 3", "interval: 60s, failureThreshold: 3"))
    steps, outputs, gate, summary = run_action(workspace, {"meridian-binary": str(MERIDIAN), "fail-on-stale-output": "false"})
    assert outputs["lint-exit-code"] == "1" and steps["lint"]["outcome"] == "failure"
    assert outputs["check-exit-code"] == "1"   # errors: compile refuses, whatever the stale setting
    assert steps["diff"]["outcome"] == "success" and outputs["comment-action"] == "not-permitted"
    assert "### meridian lint" in summary and "route53-health-interval" in summary
    assert gate == 1


def test_outside_a_pull_request_there_is_no_diff_or_comment(workspace):
    # A push: base-ref is empty. Committed output is current at HEAD~1 only, so allow stale.
    steps, outputs, gate, summary = run_action(
        workspace, {"meridian-binary": str(MERIDIAN), "base-ref": "", "fail-on-stale-output": "false"})
    assert steps["diff"]["outcome"] == "skipped" and steps["comment"]["outcome"] == "skipped"
    assert outputs["diff-changed"] == ""
    assert gate == 0
    assert "## Meridian diff" not in summary


def test_run_scripts_take_inputs_through_the_environment_only():
    # `${{ }}` inside a script is pasted in before bash sees it: a blueprint path or branch name
    # could inject shell. Every value reaches the scripts as an environment variable instead.
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]


def test_referenced_scripts_exist():
    for step in ACTION["runs"]["steps"]:
        for script in re.findall(r'\$GITHUB_ACTION_PATH/([\w/.-]+\.py)', step.get("run", "")):
            assert (ROOT / script).is_file(), script


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash")
def test_every_run_script_parses():
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            result = subprocess.run(["bash", "-n", "-c", step["run"]], capture_output=True, text=True)
            assert result.returncode == 0, f"{step['name']}: {result.stderr}"


def test_the_build_is_keyed_by_source_swift_version_and_ubuntu_release(tmp_path):
    step = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "install")

    def plan(action_path):
        output = tmp_path / "output"
        output.write_text("")
        env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "GITHUB_OUTPUT": str(output), "RUNNER_OS": "Linux",
               "RUNNER_ARCH": "X64", "GITHUB_ACTION_PATH": str(action_path), "BINARY": "", "SWIFT_VERSION": "6.3"}
        subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], env=env, check=True)
        return dict(line.split("=", 1) for line in output.read_text().splitlines())

    codename = next(line.split("=", 1)[1].strip('"') for line in pathlib.Path("/etc/os-release").read_text().splitlines()
                    if line.startswith("VERSION_CODENAME="))
    copy = tmp_path / "action"
    shutil.copytree(ROOT / "Sources", copy / "Sources")
    shutil.copy(ROOT / "Package.swift", copy / "Package.swift")
    first = plan(copy)
    assert first["image"] == f"swift:6.3-{codename}"
    assert first["key"].startswith(f"meridian-Linux-X64-swift6.3-{codename}-")
    assert plan(copy) == first
    (copy / "Sources" / "MeridianCLI" / "Meridian.swift").write_text("// changed\n")
    changed = plan(copy)
    assert changed["key"] != first["key"] and changed["dir"] != first["dir"]
