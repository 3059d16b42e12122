"""Markdown that meridian writes for people, read by a real CommonMark parser (markdown-it-py with
GFM tables) the way GitHub would render it: headings, tables and code fences are counted from the
parse tree, never found by string search. DOT diagrams are piped into Graphviz's `dot`.
"""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
from markdown_it import MarkdownIt

ROOT = pathlib.Path(__file__).resolve().parents[2]
MERIDIAN = os.environ.get("MERIDIAN", str(ROOT / ".build" / "debug" / "meridian"))
BLUEPRINTS = sorted((ROOT / "Blueprints").glob("*.yaml"))
PARSER = MarkdownIt("commonmark").enable("table")
COMMENT_BUDGET = 60_000


def meridian(*arguments, cwd=ROOT, env=None):
    result = subprocess.run([MERIDIAN, *arguments], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr
    return result.stdout


def structure(markdown):
    tokens = PARSER.parse(markdown)
    headings = [(t.tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]
    fences = [t for t in tokens if t.type == "fence"]
    tables = []
    for i, t in enumerate(tokens):
        if t.type == "table_open":
            header, rows, row = None, [], None
            for u in tokens[i + 1:]:
                if u.type == "table_close":
                    break
                if u.type == "tr_open":
                    row = []
                elif u.type == "inline" and row is not None:
                    row.append(u.content)
                elif u.type == "tr_close":
                    if header is None:
                        header = row
                    else:
                        rows.append(row)
                    row = None
            tables.append((header, rows))
    html = "".join(t.content for t in tokens if t.type == "html_block")
    return headings, fences, tables, html


@pytest.fixture(scope="session", autouse=True)
def built():
    if not os.access(MERIDIAN, os.X_OK):
        pytest.fail(f"{MERIDIAN} is missing: run `swift build` first")


@pytest.mark.parametrize("blueprint", BLUEPRINTS, ids=lambda p: p.stem)
@pytest.mark.parametrize("language", ["mermaid", "dot"])
def test_explain_markdown_has_one_fence_in_the_diagram_language(blueprint, language):
    markdown = meridian("explain", str(blueprint), "--format", "markdown", "--diagram", language)
    headings, fences, tables, _ = structure(markdown)
    assert [f.info for f in fences] == [language]
    assert fences[0].content.startswith("flowchart LR\n" if language == "mermaid" else "digraph meridian {\n")
    # Every section after the diagram holds real tables (the cost section has several), none
    # swallowed by a broken fence: at least one per section, and every table the parser sees.
    sections = [text for tag, text in headings if tag == "h2"]
    assert sections[0] == "Architecture"
    assert len(tables) >= len(sections) - 1 and len(tables) >= 4
    assert len(tables) == markdown.count("\n|---")
    for header, rows in tables:
        assert all(cell.strip() for cell in header), f"a column without a header: {header}"
        assert all(len(row) == len(header) for row in rows)


@pytest.mark.parametrize("blueprint", BLUEPRINTS, ids=lambda p: p.stem)
def test_committed_reports_render(blueprint):
    report = ROOT / "Output" / blueprint.stem / "REPORT.md"
    headings, fences, tables, _ = structure(report.read_text())
    assert [f.info for f in fences] == ["mermaid"]
    assert sum(1 for tag, _ in headings if tag == "h1") == 1
    assert all(all(cell.strip() for cell in header) for header, _ in tables)


@pytest.mark.skipif(shutil.which("dot") is None and os.environ.get("CI") != "true", reason="Graphviz not installed")
@pytest.mark.parametrize("blueprint", BLUEPRINTS, ids=lambda p: p.stem)
def test_dot_format_pipes_into_graphviz(blueprint):
    # What the README shows: `meridian explain FILE --format dot | dot -Tsvg`.
    source = meridian("explain", str(blueprint), "--format", "dot")
    svg = subprocess.run(["dot", "-Tsvg"], input=source, capture_output=True, text=True)
    assert svg.returncode == 0, svg.stderr
    assert "<svg" in svg.stdout and "</svg>" in svg.stdout


@pytest.mark.parametrize("blueprint", BLUEPRINTS, ids=lambda p: p.stem)
def test_mermaid_format_is_the_diagram_alone(blueprint):
    source = meridian("explain", str(blueprint), "--format", "mermaid")
    assert source.startswith("flowchart LR\n")
    assert "```" not in source and "|---|" not in source


def make_change(tmp_path, services, regions=6):
    make = [sys.executable, str(ROOT / "benchmarks" / "make-blueprint.py"), str(services), str(regions)]
    old = subprocess.run(make, capture_output=True, text=True, check=True).stdout
    assert "perReplica: 150" in old
    (tmp_path / "old.yaml").write_text(old)
    (tmp_path / "new.yaml").write_text(old.replace("perReplica: 150", "perReplica: 100"))
    return str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml")


@pytest.mark.parametrize("services", [20, 100])
def test_large_diff_fits_a_pull_request_comment_and_stays_valid(tmp_path, services):
    old, new = make_change(tmp_path, services)
    full_path = tmp_path / "full.md"
    comment = meridian("diff", old, new, "--format", "markdown", "--full-output", str(full_path),
                       env={"GITHUB_ACTIONS": "true"})
    full = full_path.read_text()
    assert len(comment.encode()) <= COMMENT_BUDGET < len(full.encode())
    assert full == meridian("diff", old, new, "--format", "markdown", "--max-bytes", "0")

    headings, fences, tables, html = structure(comment)
    assert fences == []
    assert [tag for tag, _ in headings] == ["h3"]
    # Objective deltas come first, whole or cut; every table is well formed.
    assert "Objectives:" in PARSER.render(comment).split("<table>")[0]
    for header, rows in tables:
        assert all(len(row) == len(header) for row in rows)
    assert html.count("<details>") == html.count("</details>") > 0
    assert "see the job summary" in comment
    # Every "… N more" is honest: shown rows plus N equal the rows of the whole diff.
    full_tables = structure(full)[2]
    assert len(tables) <= len(full_tables)
    cut_objectives = len(full_tables[0][1]) - len(tables[0][1]) if tables else len(full_tables[0][1])
    if cut_objectives:
        assert f"… {cut_objectives} more objective changes" in comment


def test_a_small_diff_is_not_shortened(tmp_path):
    blueprint = ROOT / "Blueprints" / "neobank-active-standby.yaml"
    changed = tmp_path / "new.yaml"
    changed.write_text(blueprint.read_text().replace("demand: { eu: 4000 }", "demand: { eu: 5000 }"))
    comment = meridian("diff", str(blueprint), str(changed), "--format", "markdown")
    assert comment == meridian("diff", str(blueprint), str(changed), "--format", "markdown", "--max-bytes", "0")
    assert "more" not in comment.split("<details>")[0]


def test_a_change_with_an_unrelated_error_keeps_its_consequences(tmp_path):
    # The new side doubles a demand and also sets a health-check interval Route53 does not offer:
    # the error is named in a banner, and the capacity change and RTO deltas are still in the comment.
    blueprint = ROOT / "Blueprints" / "neobank-active-standby.yaml"
    text = blueprint.read_text()
    assert "demand: { eu: 4000 }" in text and "interval: 10s" in text
    changed = tmp_path / "new.yaml"
    changed.write_text(text.replace("demand: { eu: 4000 }", "demand: { eu: 5000 }").replace("interval: 10s", "interval: 15s"))
    comment = meridian("diff", str(blueprint), str(changed), "--format", "markdown")
    tokens = PARSER.parse(comment)
    quotes = [tokens[i + 2].content for i, t in enumerate(tokens) if t.type == "blockquote_open"]
    assert len(quotes) == 1 and "route53-health-interval" in quotes[0], quotes
    _, _, tables, _ = structure(comment)
    headers = [header for header, _ in tables]
    capacity = tables[headers.index(["resource", "field", "before", "after"])][1]
    assert any(row[1] == "<code>spec.replicas</code>" or row[1] == "`spec.replicas`" for row in capacity), capacity
    objectives = tables[headers.index(["measure", "for", "before", "after", "objective"])][1]
    assert any(row[0] == "RTO" for row in objectives)


@pytest.mark.parametrize("budget", [3_000, 10_000, 30_000])
def test_every_budget_is_kept(tmp_path, budget):
    old, new = make_change(tmp_path, 20)
    comment = meridian("diff", old, new, "--format", "markdown", "--max-bytes", str(budget))
    assert len(comment.encode()) <= budget
    _, _, tables, html = structure(comment)
    assert html.count("<details>") == html.count("</details>")
    assert "Shortened to fit" in comment
