"""The sticky pull-request comment (scripts/action/pr_comment.py) against GitHub API payloads.

payloads/ holds responses in the shape GitHub's REST API documents for issue comments (list,
create, update), a 403 as a read-only token gets it, and pull_request event payloads for a
same-repository and a fork pull request. A fake transport serves them and records every call,
so each test asserts exactly which requests the script makes.
"""
import json
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "action"))
import pr_comment  # noqa: E402

PAYLOADS = pathlib.Path(__file__).resolve().parent / "payloads"
API = "https://api.github.com"
LIST = f"{API}/repos/acme/infra/issues/42/comments?per_page=100"
PAGE2 = f"{API}/repositories/700000001/issues/42/comments?per_page=100&page=2"


def payload(name):
    return json.loads((PAYLOADS / name).read_text())


class FakeGitHub(pr_comment.GitHub):
    """Answers from recorded payloads; `writes` refuses every write with the recorded 403.
    `user` is what `GET /user` answers: a workflow's GITHUB_TOKEN gets the recorded 403
    ("Resource not accessible by integration"), a personal token its user."""

    def __init__(self, pages, writes="allowed", user="get-user-integration.json"):
        super().__init__("token", "acme/infra", API)
        self.pages, self.writes, self.user, self.calls = pages, writes, user, []

    def send(self, method, url, body=None):
        self.calls.append((method, url, body))
        if method == "GET" and url == f"{API}/user":
            return (403 if "integration" in self.user else 200), {}, payload(self.user)
        if method == "GET":
            page, link = self.pages[url]
            return 200, ({"Link": link} if link else {}), page
        if self.writes == "forbidden":
            return 403, {}, payload("forbidden.json")
        if method == "POST":
            created = payload("create-comment.json")
            created["body"] = body["body"]
            return 201, {}, created
        if method == "PATCH":
            updated = payload("update-comment.json")
            updated["id"] = int(url.rsplit("/", 1)[1])
            updated["body"] = body["body"]
            return 200, {}, updated
        if method == "DELETE":
            return 204, {}, None
        raise AssertionError(f"unexpected {method} {url}")


def two_pages():
    # GitHub paginates with a Link header; the next URL uses the repository id, as GitHub's does.
    return {LIST: (payload("list-comments-page1.json"), f'<{PAGE2}>; rel="next", <{PAGE2}>; rel="last"'),
            PAGE2: (payload("list-comments-page2.json"), None)}


def no_marked_comment():
    return {LIST: (payload("list-comments-none-marked.json"), None)}


@pytest.fixture
def workspace(tmp_path):
    (tmp_path / "diff.md").write_text("### `Blueprints/neobank-active-standby.yaml`\n\n**Resources:** 0 added, 0 removed, 9 changed.\n")
    (tmp_path / "changed.json").write_text(json.dumps({"diffs": [{"blueprint": "b", "notes": [], "resources": [{"change": "changed"}], "objectives": [], "findings": []}]}))
    (tmp_path / "unchanged.json").write_text(json.dumps({"diffs": [{"blueprint": "b", "notes": [], "resources": [], "objectives": [], "findings": []}]}))
    env = {"GITHUB_REPOSITORY": "acme/infra", "GITHUB_TOKEN": "token",
           "GITHUB_EVENT_PATH": str(PAYLOADS / "event-pull-request.json"),
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "GITHUB_OUTPUT": str(tmp_path / "output")}
    return tmp_path, env


def run(workspace, github, *arguments, event=None, diff="changed.json"):
    path, env = workspace
    if event:
        env = {**env, "GITHUB_EVENT_PATH": str(PAYLOADS / event)}
    status = pr_comment.run(["--body-file", str(path / "diff.md"), "--diff-json", str(path / diff), *arguments], env, github)
    output_file = path / "output"
    outputs = dict(line.split("=", 1) for line in output_file.read_text().splitlines()) if output_file.exists() else {}
    return status, outputs


def reads(github):
    return [url for method, url, _ in github.calls if method == "GET" and url != f"{API}/user"]


def writes(github):
    return [(method, url.replace(API, "")) for method, url, _ in github.calls if method != "GET"]


def test_update_edits_the_newest_marked_comment_across_pages(workspace):
    github = FakeGitHub(two_pages())
    status, outputs = run(workspace, github, "--mode", "update")
    assert status == 0
    assert reads(github) == [LIST, PAGE2]
    assert writes(github) == [("PATCH", "/repos/acme/infra/issues/comments/2101000009")]
    assert outputs["action"] == "updated" and outputs["comment-id"] == "2101000009"
    body = github.calls[-1][2]["body"]
    assert body.startswith("<!-- meridian-diff -->\n### `Blueprints/neobank-active-standby.yaml`")


def test_a_human_quoting_the_marker_is_not_ours():
    comments = payload("list-comments-page1.json") + payload("list-comments-page2.json")
    assert [c["id"] for c in pr_comment.marked(comments, "github-actions[bot]")] == [2101000002, 2101000009]


def forged():
    """Our comment (2101000009, github-actions[bot]), then a newer one by mallory-ci that starts
    with the marker and claims "0 changed… Safe to merge"."""
    return {LIST: (payload("list-comments-forged.json"), None)}


def test_a_forged_comment_is_neither_edited_nor_taken_for_ours(workspace):
    github = FakeGitHub(forged())
    _, outputs = run(workspace, github, "--mode", "update")
    # Without the author check the newest marked comment, mallory-ci's, was PATCHed (and refused).
    assert writes(github) == [("PATCH", "/repos/acme/infra/issues/comments/2101000009")]
    assert outputs["action"] == "updated"


def test_delete_and_new_deletes_only_its_own_comments(workspace):
    github = FakeGitHub(forged())
    _, outputs = run(workspace, github, "--mode", "delete-and-new")
    assert writes(github) == [("DELETE", "/repos/acme/infra/issues/comments/2101000009"),
                              ("POST", "/repos/acme/infra/issues/42/comments")]
    assert outputs["action"] == "recreated"


@pytest.mark.parametrize("mode", pr_comment.MODES)
def test_a_forged_comment_identical_to_the_diff_does_not_stop_the_update(workspace, mode):
    # The forger copies the real body: "unchanged" must be judged against our own comment.
    path, _ = workspace
    pages = forged()
    pages[LIST][0][-1]["body"] = pr_comment.comment_body((path / "diff.md").read_text())
    github = FakeGitHub(pages)
    _, outputs = run(workspace, github, "--mode", mode)
    assert outputs["action"] != "unchanged"
    assert all("2101000011" not in url for _, url in writes(github))


def test_with_a_personal_token_its_user_owns_the_comment(workspace):
    # GET /user answers acme-infra-bot: github-actions[bot]'s comment is not this token's.
    github = FakeGitHub(forged(), user="get-user.json")
    _, outputs = run(workspace, github, "--mode", "update")
    assert writes(github) == [("POST", "/repos/acme/infra/issues/42/comments")]
    assert outputs["action"] == "created"


def test_an_app_token_names_its_bot_with_author(workspace):
    pages = forged()
    for comment in pages[LIST][0]:
        if comment["user"]["login"] == "github-actions[bot]":
            comment["user"]["login"] = "meridian-app[bot]"
    github = FakeGitHub(pages)
    run(workspace, github, "--mode", "update", "--author", "meridian-app[bot]")
    assert writes(github) == [("PATCH", "/repos/acme/infra/issues/comments/2101000009")]


def test_outputs_are_not_written_through_a_symbolic_link(workspace, tmp_path):
    path, env = workspace
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (path / "output").symlink_to(victim)
    with pytest.raises(OSError):
        run(workspace, FakeGitHub(two_pages()), "--mode", "update")
    assert victim.read_text() == "precious\n"


def test_update_creates_when_there_is_no_marked_comment(workspace):
    github = FakeGitHub(no_marked_comment())
    status, outputs = run(workspace, github, "--mode", "update")
    assert writes(github) == [("POST", "/repos/acme/infra/issues/42/comments")]
    assert outputs["action"] == "created"
    assert outputs["comment-url"].startswith("https://github.com/acme/infra/pull/42#issuecomment-")


def test_new_posts_another_comment_and_keeps_the_old_ones(workspace):
    github = FakeGitHub(two_pages())
    run(workspace, github, "--mode", "new")
    assert writes(github) == [("POST", "/repos/acme/infra/issues/42/comments")]


def test_delete_and_new_removes_every_marked_comment_then_posts(workspace):
    github = FakeGitHub(two_pages())
    _, outputs = run(workspace, github, "--mode", "delete-and-new")
    assert writes(github) == [("DELETE", "/repos/acme/infra/issues/comments/2101000002"),
                              ("DELETE", "/repos/acme/infra/issues/comments/2101000009"),
                              ("POST", "/repos/acme/infra/issues/42/comments")]
    assert outputs["action"] == "recreated"


@pytest.mark.parametrize("mode", pr_comment.MODES)
def test_an_identical_body_writes_nothing(workspace, mode):
    path, _ = workspace
    pages = two_pages()
    newest = pages[PAGE2][0][-1]
    (path / "diff.md").write_text(newest["body"].split("\n", 1)[1])
    github = FakeGitHub(pages)
    _, outputs = run(workspace, github, "--mode", mode)
    assert writes(github) == []
    assert outputs["action"] == "unchanged"


@pytest.mark.parametrize("mode", pr_comment.MODES)
def test_no_changes_and_no_comment_posts_nothing(workspace, mode):
    github = FakeGitHub(no_marked_comment())
    _, outputs = run(workspace, github, "--mode", mode, diff="unchanged.json")
    assert writes(github) == [] and outputs["action"] == "skipped"


def test_no_changes_still_replaces_a_stale_comment(workspace):
    # The comment said "8 changed"; the pull request no longer changes anything: say so.
    github = FakeGitHub(two_pages())
    _, outputs = run(workspace, github, "--mode", "update", diff="unchanged.json")
    assert writes(github) == [("PATCH", "/repos/acme/infra/issues/comments/2101000009")]


@pytest.mark.parametrize("event", ["event-pull-request-fork.json", "event-pull-request-deleted-fork.json"])
def test_fork_pull_requests_go_to_the_job_summary_without_calling_the_api(workspace, event, capsys):
    github = FakeGitHub(two_pages())
    status, outputs = run(workspace, github, event=event)
    assert status == 0 and github.calls == []
    assert outputs["action"] == "not-permitted"
    summary = (workspace[0] / "summary.md").read_text()
    assert "not posted as a comment" in summary and "9 changed" in summary
    assert "::warning title=meridian diff not posted::" in capsys.readouterr().out


def test_when_the_summary_has_the_diff_only_the_reason_is_added(workspace):
    github = FakeGitHub(two_pages())
    run(workspace, github, "--summary-has-diff", event="event-pull-request-fork.json")
    summary = (workspace[0] / "summary.md").read_text()
    assert "not posted as a comment" in summary and "forks get a read-only token" in summary
    assert "9 changed" not in summary


def test_a_read_only_token_is_reported_not_fatal(workspace):
    github = FakeGitHub(two_pages(), writes="forbidden")
    status, outputs = run(workspace, github, "--mode", "update")
    assert status == 0 and outputs["action"] == "not-permitted"
    assert "Resource not accessible by integration" in (workspace[0] / "summary.md").read_text()


def test_other_api_failures_fail_the_step(workspace):
    class Broken(FakeGitHub):
        def send(self, method, url, body=None):
            if method == "GET":
                return super().send(method, url, body)
            return 422, {}, {"message": "Validation Failed"}
    with pytest.raises(RuntimeError, match="HTTP 422"):
        run(workspace, Broken(two_pages()), "--mode", "new")


def test_an_oversized_body_is_cut_on_a_line_boundary_under_the_limit():
    body = pr_comment.comment_body("| row |\n" * 20000)
    assert len(body) <= pr_comment.COMMENT_LIMIT
    assert body.startswith(pr_comment.MARKER + "\n")
    lines = body.splitlines()
    assert all(line in ("| row |", "", pr_comment.MARKER) or line.startswith("_Cut to fit") for line in lines)


def test_outside_a_pull_request_nothing_is_posted(workspace):
    path, env = workspace
    env = {**env, "GITHUB_EVENT_PATH": str(path / "push.json")}
    (path / "push.json").write_text(json.dumps({"ref": "refs/heads/main"}))
    github = FakeGitHub({})
    assert pr_comment.run(["--body-file", str(path / "diff.md")], env, github) == 0
    assert github.calls == []


def test_next_page_reads_the_link_header():
    assert pr_comment.next_page({"link": f'<{PAGE2}>; rel="next", <{PAGE2}>; rel="last"'}) == PAGE2
    assert pr_comment.next_page({"Link": f'<{LIST}>; rel="prev"'}) is None
    assert pr_comment.next_page({}) is None
