#!/usr/bin/env python3
"""Keeps ONE Meridian diff comment on a pull request, found again by a hidden marker.

Used by the repository's composite action (action.yml); standard library only, so the action
installs nothing. Modes:

  update          edit the newest marked comment in place (create one if there is none)
  new             post a new comment every run, leaving earlier ones
  delete-and-new  delete every marked comment, then post a new one (it lands at the bottom)

Only comments that carry the marker AND were written by the token's own identity count as ours:
anyone can post a comment that starts with the marker, and the script must neither edit nor
delete a stranger's comment, nor take a forged one for its own. The identity is the token's
user (`GET /user`) or, for GITHUB_TOKEN and other app installation tokens, which that endpoint
refuses with 403 "Resource not accessible by integration", `github-actions[bot]` (or --author).

In every mode nothing is written when the body is identical to the newest marked comment, and
no comment is created for a diff without changes (an existing one is updated, so it never shows
a stale diff). When the token may not write (pull requests from forks get a read-only
GITHUB_TOKEN) the body goes to the job summary instead and the script exits 0.

Outputs (to $GITHUB_OUTPUT): action=created|updated|recreated|unchanged|skipped|not-permitted,
comment-id, comment-url.
"""
import argparse
import json
import os
import re
import stat
import sys
import urllib.error
import urllib.request

MARKER = "<!-- meridian-diff -->"
# The login GitHub gives comments made with a workflow's GITHUB_TOKEN.
ACTIONS_BOT = "github-actions[bot]"
# GitHub rejects comment bodies over 65,536 characters ("Body is too long (maximum is 65536
# characters)", HTTP 422); `meridian diff --max-bytes` keeps well below it, this is the last guard.
COMMENT_LIMIT = 65536
MODES = ("update", "new", "delete-and-new")


class Refused(Exception):
    """The API said no for lack of permission (403, or 404 for a repository the token cannot see)."""


class GitHub:
    """The handful of REST calls the comment needs. `send` is the only thing tests replace."""

    def __init__(self, token, repository, api_url="https://api.github.com"):
        self.token = token
        self.repository = repository
        self.api_url = api_url.rstrip("/")

    def send(self, method, url, payload=None):
        """Returns (status, headers, decoded JSON or None)."""
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self.token}",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "meridian-action",
            **({"Content-Type": "application/json"} if data else {}),
        })
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read()
                return response.status, dict(response.headers), json.loads(body) if body else None
        except urllib.error.HTTPError as error:
            body = error.read()
            try:
                decoded = json.loads(body) if body else None
            except ValueError:
                decoded = {"message": body.decode(errors="replace")}
            return error.code, dict(error.headers), decoded

    def call(self, method, url, payload=None, expect=(200,)):
        status, headers, body = self.send(method, url, payload)
        if status in (401, 403, 404):
            message = (body or {}).get("message", "") if isinstance(body, dict) else ""
            raise Refused(f"{method} {url}: HTTP {status} {message}".strip())
        if status not in expect:
            raise RuntimeError(f"{method} {url}: HTTP {status} {body}")
        return headers, body

    def comments(self, number):
        """Every comment on the pull request, following the `Link: rel="next"` pages."""
        url = f"{self.api_url}/repos/{self.repository}/issues/{number}/comments?per_page=100"
        found = []
        while url:
            headers, page = self.call("GET", url)
            found.extend(page or [])
            url = next_page(headers)
        return found

    def identity(self):
        """The token's own login, or None for an installation token (GITHUB_TOKEN, a GitHub App's),
        which `GET /user` answers with 403 "Resource not accessible by integration"."""
        status, _, body = self.send("GET", f"{self.api_url}/user")
        if status == 200 and isinstance(body, dict) and body.get("login"):
            return body["login"]
        if status in (401, 403):
            return None
        raise RuntimeError(f"GET {self.api_url}/user: HTTP {status} {body}")

    def create(self, number, body):
        return self.call("POST", f"{self.api_url}/repos/{self.repository}/issues/{number}/comments",
                         {"body": body}, expect=(201,))[1]

    def update(self, comment_id, body):
        return self.call("PATCH", f"{self.api_url}/repos/{self.repository}/issues/comments/{comment_id}",
                         {"body": body})[1]

    def delete(self, comment_id):
        self.call("DELETE", f"{self.api_url}/repos/{self.repository}/issues/comments/{comment_id}", expect=(204,))


def next_page(headers):
    link = next((value for key, value in headers.items() if key.lower() == "link"), "")
    match = re.search(r'<([^>]+)>;\s*rel="next"', link)
    return match.group(1) if match else None


def comment_body(markdown, marker=MARKER):
    """The marker on the first line (invisible once rendered), then the diff, cut to fit if need be."""
    body = f"{marker}\n{markdown.rstrip()}\n"
    if len(body) <= COMMENT_LIMIT:
        return body
    note = "\n\n_Cut to fit GitHub's comment limit; the whole diff is in the job summary._\n"
    cut = body[: COMMENT_LIMIT - len(note)]
    return cut[: cut.rfind("\n")] + note   # whole lines only


def marked(comments, author, marker=MARKER):
    """Our comments, oldest first: written by `author` and starting with the marker (a quote of
    the marker does not count, and neither does a comment anyone else starts with it)."""
    return [c for c in comments
            if (c.get("user") or {}).get("login") == author and (c.get("body") or "").lstrip().startswith(marker)]


def plan(existing, body, mode, changed):
    """What to do, as (verb, argument) pairs; pure, so every branch is tested without a network.

    existing: our marked comments, oldest first. changed: whether the diff has any change.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    newest = existing[-1] if existing else None
    if newest is not None and newest.get("body", "").strip() == body.strip():
        return [("unchanged", newest)]
    if newest is None and not changed:
        return [("skipped", None)]
    if mode == "update" and newest is not None:
        return [("update", newest)]
    if mode == "delete-and-new":
        return [("delete", c) for c in existing] + [("create", None)]
    return [("create", None)]


def apply(github, number, steps, body):
    """Runs a plan; returns (action, comment)."""
    action, comment = "skipped", None
    for verb, target in steps:
        if verb in ("unchanged", "skipped"):
            return verb, target
        if verb == "delete":
            github.delete(target["id"])
            action = "recreated"
        elif verb == "update":
            comment, action = github.update(target["id"], body), "updated"
        elif verb == "create":
            comment = github.create(number, body)
            action = "recreated" if action == "recreated" else "created"
    return action, comment


def diff_has_changes(diff_json):
    """`meridian diff --format json`: any resource, objective or finding change, or a note."""
    return any(d.get("resources") or d.get("objectives") or d.get("findings") or d.get("notes")
               for d in diff_json.get("diffs", []))


def from_fork(event):
    """A pull request whose head lives in another repository gets a read-only token."""
    pull = event.get("pull_request") or {}
    head = (pull.get("head") or {}).get("repo")
    base = (pull.get("base") or {}).get("repo") or {}
    if not pull:
        return False
    return head is None or head.get("full_name") != base.get("full_name")


def append(path, text):
    """Appends to a file the runner names ($GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY): never through a
    symbolic link, never into a FIFO, as meridian itself writes files (issue 20)."""
    if not path:
        return
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(f"{path} is not a regular file")
        handle.write(text)


def outputs(path, **values):
    append(path, "".join(f"{key}={value}\n" for key, value in values.items()))


def run(argv, env, github=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--body-file", required=True, help="the Markdown diff (meridian diff --format markdown)")
    parser.add_argument("--diff-json", help="meridian diff --format json, to tell whether anything changed")
    parser.add_argument("--mode", default="update", choices=MODES)
    parser.add_argument("--marker", default=MARKER)
    parser.add_argument("--author", help=f"the login the token comments as, when GET /user cannot tell "
                                         f"(a GitHub App token: '<app-slug>[bot]'); default {ACTIONS_BOT}")
    parser.add_argument("--pr", type=int, help="pull request number (default: from $GITHUB_EVENT_PATH)")
    parser.add_argument("--summary-has-diff", action="store_true",
                        help="the job summary already shows the diff: when no comment can be written, only say so")
    args = parser.parse_args(argv)

    with open(args.body_file, encoding="utf-8") as handle:
        body = comment_body(handle.read(), args.marker)
    changed = True
    if args.diff_json:
        with open(args.diff_json, encoding="utf-8") as handle:
            changed = diff_has_changes(json.load(handle))
    event = {}
    if env.get("GITHUB_EVENT_PATH") and os.path.exists(env["GITHUB_EVENT_PATH"]):
        with open(env["GITHUB_EVENT_PATH"], encoding="utf-8") as handle:
            event = json.load(handle)
    number = args.pr or (event.get("pull_request") or {}).get("number")
    summary, output = env.get("GITHUB_STEP_SUMMARY"), env.get("GITHUB_OUTPUT")
    if not number:
        print("meridian comment: not a pull request; nothing to comment on")
        outputs(output, action="skipped")
        return 0

    def not_permitted(reason):
        # Same words on the run page as in the comment, so a fork's author still sees the diff.
        print(f"::warning title=meridian diff not posted::{reason}; the diff is in the job summary")
        note = f"### Meridian diff not posted as a comment\n\n{reason}.\n\n"
        append(summary, note if args.summary_has_diff else note + body + "\n")
        outputs(output, action="not-permitted")
        return 0

    if from_fork(event):
        return not_permitted("pull requests from forks get a read-only token")
    github = github or GitHub(env.get("GITHUB_TOKEN", ""), env["GITHUB_REPOSITORY"],
                              env.get("GITHUB_API_URL", "https://api.github.com"))
    try:
        author = github.identity() or args.author or ACTIONS_BOT
        existing = marked(github.comments(number), author, args.marker)
        action, comment = apply(github, number, plan(existing, body, args.mode, changed), body)
    except Refused as refusal:
        return not_permitted(f"the token may not comment ({refusal}); grant `pull-requests: write`")
    comment = comment or {}
    print(f"meridian comment: {action}" + (f" {comment.get('html_url')}" if comment.get("html_url") else ""))
    outputs(output, action=action, **{"comment-id": comment.get("id", ""), "comment-url": comment.get("html_url", "")})
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:], dict(os.environ)))
