#!/usr/bin/env bash
# Renders every example blueprint's DOT diagram with Graphviz: the output must be valid DOT.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v dot >/dev/null || { apt-get update -qq && apt-get install -y -qq graphviz >/dev/null; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for blueprint in Blueprints/*.yaml; do
  name=$(basename "$blueprint" .yaml)
  .build/debug/meridian explain "$blueprint" --format dot | dot -Tsvg -o "$out/$name.svg"
  grep -q "<svg" "$out/$name.svg"
  echo "diagram: $blueprint renders with Graphviz ($(wc -c < "$out/$name.svg") bytes of SVG)"
done
