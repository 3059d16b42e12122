#!/usr/bin/env bash
# The GitHub Action and the Markdown meridian writes for people:
#   - action.yml and examples/github-actions.yml against GitHub's published action and workflow
#     JSON Schemas (SchemaStore's, as check-jsonschema vendors them; works offline);
#   - Tests/action with pytest: the action's steps run offline as a runner would, the sticky-comment
#     script against GitHub API payloads, the final gate, and explain/diff Markdown read by a
#     CommonMark parser, DOT piped into Graphviz.
# Needs a built binary (.build/debug/meridian, or $MERIDIAN). Python packages go into a virtual
# environment of its own (stock Debian/Ubuntu Python refuses system-wide pip installs, PEP 668).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${MERIDIAN_ACTION_VENV:-.build/venv-action}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && python3 -m venv "$venv"; }
fi
"$venv/bin/python" -c 'import markdown_it, pytest, check_jsonschema, yaml' 2>/dev/null \
  || "$venv/bin/pip" install --quiet --disable-pip-version-check markdown-it-py pytest check-jsonschema pyyaml
command -v dot >/dev/null || { apt-get update -qq && apt-get install -y -qq graphviz >/dev/null; }

"$venv/bin/check-jsonschema" --builtin-schema vendor.github-actions action.yml
"$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows examples/github-actions.yml
"$venv/bin/python" -m pytest -q Tests/action
