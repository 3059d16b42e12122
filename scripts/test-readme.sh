#!/usr/bin/env bash
# Runs every shell command of README.md (see scripts/readme_commands.py for the markers).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .build/debug/meridian ] || swift build --product meridian
python3 scripts/readme_commands.py --run --meridian "${MERIDIAN_BIN:-$PWD/.build/debug/meridian}"
