"""The README-commands runner (scripts/readme_commands.py): what it extracts, and the README's
promise to open with the two commands a fresh machine needs."""

import importlib.util

from meridian_binary import ROOT

spec = importlib.util.spec_from_file_location("readme_commands", ROOT / "scripts/readme_commands.py")
readme_commands = importlib.util.module_from_spec(spec)
spec.loader.exec_module(readme_commands)


def test_readme_opens_with_build_and_run_then_tests():
    first, second = readme_commands.commands((ROOT / "README.md").read_text())[:2]
    assert first.text.startswith("swift run meridian compile Blueprints/") and not first.not_run
    assert second.text == "scripts/test" and not second.not_run
    assert second.text in readme_commands.ci_lines(), "scripts/test must stay a step of .ci/run"


def test_every_skipped_readme_command_gives_a_reason():
    for command in readme_commands.commands((ROOT / "README.md").read_text()):
        if command.not_run:
            assert command.not_run.group(1).strip(), command


def test_extraction_of_fences_comments_and_markers():
    markdown = "\n".join([
        "text `inline` is not a command",
        "```sh",
        "echo '# not a comment' | wc -c      # counts",
        "meridian lint \\",
        "  Blueprints/a.yaml                 # exit-status: 1",
        "",
        "$ curl -LO https://example.invalid/x   # not-run: needs the network",
        "```",
        "```yaml",
        "key: value   # yaml is not run",
        "```",
        "```bash",
        "true",
        "```",
    ])
    found = readme_commands.commands(markdown)
    assert [c.text for c in found] == [
        "echo '# not a comment' | wc -c",
        "meridian lint Blueprints/a.yaml",
        "curl -LO https://example.invalid/x",
        "true",
    ]
    assert [c.line for c in found] == [3, 4, 7, 13]
    assert found[1].expected_status == 1
    assert found[2].not_run.group(1) == "needs the network"
    assert not found[0].not_run and found[0].expected_status == 0
