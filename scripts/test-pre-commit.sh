#!/usr/bin/env bash
# Runs this repository's pre-commit hooks, as a user's project would, on a scratch git repository
# holding one clean and one broken blueprint. Each hook must fail and print the located diagnostic
# of the broken one only:
#   meridian-lint         language: swift, pre-commit builds the package itself;
#   meridian-lint-system  language: system, runs the meridian on PATH ($MERIDIAN_BIN, or the debug
#                         build), and fails plainly when there is none.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/scripts/python-env.sh" pre-commit

installed=${MERIDIAN_BIN:-$repo/.build/debug/meridian}
[ -x "$installed" ] || (cd "$repo" && swift build --product meridian)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/project/Blueprints" "$scratch/bin"
ln -s "$installed" "$scratch/bin/meridian"
cp "$repo/Blueprints/neobank-active-standby.yaml" "$scratch/project/Blueprints/clean.yaml"
sed 's/uses: \[core-ledger, payment-events\]/uses: [core-ledger, payment-evnets]/' \
  "$repo/Blueprints/neobank-active-standby.yaml" > "$scratch/project/Blueprints/broken.yaml"
cd "$scratch/project"
git init -q
git add Blueprints

# try-repo uses the hook definitions of the working tree; PRE_COMMIT_HOME keeps its build cache local.
run_hook() {  # hook id, PATH to run it with; output in $scratch/out.txt, status in $status
  set +e
  PATH="$2" PRE_COMMIT_HOME="$scratch/cache" python -m pre_commit try-repo "$repo" "$1" \
    --files Blueprints/clean.yaml Blueprints/broken.yaml > "$scratch/out.txt" 2>&1
  status=$?
  set -e
  cat "$scratch/out.txt"
}

check_hook() {  # hook id, PATH
  run_hook "$1" "$2"
  if [ $status -eq 0 ]; then echo "pre-commit $1: expected a failure" >&2; exit 1; fi
  grep -q "Blueprints/broken.yaml:[0-9]*:[0-9]*: error: datastore 'payment-evnets' is not declared \[undefined-reference\]" "$scratch/out.txt" \
    || { echo "pre-commit $1: located diagnostic missing" >&2; exit 1; }
  if grep -q "Blueprints/clean.yaml:" "$scratch/out.txt"; then echo "pre-commit $1: the clean blueprint was reported" >&2; exit 1; fi
  echo "pre-commit $1: fails on the broken blueprint with a located diagnostic (ok)"
}

check_hook meridian-lint "$PATH"
check_hook meridian-lint-system "$scratch/bin:$PATH"

# Without a meridian on PATH the system hook must not pass silently.
if command -v meridian > /dev/null; then
  echo "pre-commit meridian-lint-system: skipping the no-binary check, a meridian is on PATH" >&2
else
  run_hook meridian-lint-system "$PATH"
  [ $status -ne 0 ] && grep -qi "meridian.*not found\|not found.*meridian" "$scratch/out.txt" \
    || { echo "pre-commit meridian-lint-system: passed without a meridian binary" >&2; exit 1; }
  echo "pre-commit meridian-lint-system: fails plainly without a meridian on PATH (ok)"
fi
