#!/usr/bin/env bash
# Outage-mode output (`compile --assume-down`) goes through the same external validators as the
# committed output: each example compiled with its first region assumed down.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${MERIDIAN_BIN:-.build/debug/meridian}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for blueprint in Blueprints/*.yaml; do
  region=$(python3 -c 'import sys, yaml; print(next(iter(yaml.safe_load(open(sys.argv[1]))["regions"])))' "$blueprint")
  "$bin" compile "$blueprint" --assume-down "$region" -o "$out" >/dev/null
  grep -q "Outage mode" "$out/$(basename "$blueprint" .yaml)/REPORT.md"
done
MERIDIAN_OUTPUT="$out" python3 -m pytest -q -n auto --dist loadfile Tests/validators/test_generated_output.py Tests/validators/test_zone_loss_scheduling.py Tests/validators/test_terraform_provider.py Tests/validators/test_terraform_real.py
scripts/check-checkov.sh "$out"
