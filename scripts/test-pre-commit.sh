#!/usr/bin/env bash
# Runs this repository's pre-commit hook, as a user's project would, on a scratch git
# repository holding one clean and one broken blueprint; the hook must fail and print the
# located diagnostic of the broken one only.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
python3 -m pip install --quiet --disable-pip-version-check pre-commit

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/project/Blueprints"
cp "$repo/Blueprints/neobank-active-standby.yaml" "$scratch/project/Blueprints/clean.yaml"
sed 's/uses: \[core-ledger, payment-events\]/uses: [core-ledger, payment-evnets]/' \
  "$repo/Blueprints/neobank-active-standby.yaml" > "$scratch/project/Blueprints/broken.yaml"
cd "$scratch/project"
git init -q
git add Blueprints

set +e
# try-repo uses the hook definitions of the working tree; PRE_COMMIT_HOME keeps its build cache local.
PRE_COMMIT_HOME="$scratch/cache" python3 -m pre_commit try-repo "$repo" meridian-lint --files Blueprints/clean.yaml Blueprints/broken.yaml > "$scratch/out.txt" 2>&1
status=$?
set -e
cat "$scratch/out.txt"
if [ $status -eq 0 ]; then echo "pre-commit hook: expected a failure" >&2; exit 1; fi
grep -q "Blueprints/broken.yaml:[0-9]*:[0-9]*: error: datastore 'payment-evnets' is not declared \[undefined-reference\]" "$scratch/out.txt" \
  || { echo "pre-commit hook: located diagnostic missing" >&2; exit 1; }
if grep -q "Blueprints/clean.yaml:" "$scratch/out.txt"; then echo "pre-commit hook: the clean blueprint was reported" >&2; exit 1; fi
echo "pre-commit hook: fails on the broken blueprint with a located diagnostic (ok)"
