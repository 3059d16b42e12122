#!/usr/bin/env bash
# The fleet benchmark (issue 23): one repository of COUNT small blueprints (10 services x 3 regions,
# benchmarks/make-fleet.py), compiled, linted and diffed as a pull request would. Prints wall time, CPU time
# (user+sys) and peak memory of each step; see docs/performance.md, "Fleets".
#   benchmarks/fleet.sh [COUNT]          (default 10000; OUTPUT_ROOT=/dev/shm keeps the disk out)
#   MERIDIAN_BIN=path benchmarks/fleet.sh   (skip the build, measure that binary)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-10000}"
if [ -z "${MERIDIAN_BIN:-}" ]; then
  swift build -c release --product meridian --static-swift-stdlib --scratch-path .build-static >/dev/null
  MERIDIAN_BIN="$PWD/.build-static/release/meridian"
fi
work="$(mktemp -d "${OUTPUT_ROOT:-${TMPDIR:-/tmp}}/meridian-fleet.XXXXXX")"
trap 'rm -rf "$work"' EXIT
python3 benchmarks/make-fleet.py "$count" "$work/Blueprints"
cd "$work"
export MERIDIAN_CACHE_DIR="$work/cache"

step() {
  local name="$1"; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > "$work/stdout" 2> "$work/stderr" || {
    status=$?; [ "$status" -le 1 ] || { cat "$work/stderr" >&2; exit "$status"; }; }
  read -r wall user sys rss < "$work/time"
  printf '%-44s %8.2f s wall %8.2f s cpu %8d MiB\n' "$name" "$wall" "$(awk "BEGIN { print $user + $sys }")" "$((rss / 1024))"
}

echo "fleet: $count blueprints of 10 services x 3 regions; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
step "lint, no cache"                        "$MERIDIAN_BIN" lint --no-cache Blueprints/
step "lint, cold cache (fills it)"           "$MERIDIAN_BIN" lint Blueprints/
step "compile, cold (empty cache and Output/)" "$MERIDIAN_BIN" compile Blueprints/
step "compile again, nothing changed"        "$MERIDIAN_BIN" compile Blueprints/
step "compile --check, nothing changed"      "$MERIDIAN_BIN" compile --check Blueprints/
# The blueprints as the pull request's base revision (untimed), for the comment's diff below.
# gc.auto=0: 10,000 loose objects would start a background `git gc` that competes with the steps.
git init -q . && git add Blueprints && git -c gc.auto=0 -c maintenance.auto=false -c user.name=bench -c user.email=bench@example.com commit -qm base
sed -i 's/perReplica: 100/perReplica: 90/' Blueprints/fleet-00000.yaml
step "compile, a pull request changed one"   "$MERIDIAN_BIN" compile Blueprints/
grep -v "is up to date" "$work/stdout" | sed 's/^/    /'
step "diff --base, that pull request's comment" "$MERIDIAN_BIN" diff --base HEAD --format markdown
step "lint, warm cache"                      "$MERIDIAN_BIN" lint Blueprints/
echo "files in Output/: $(find Output -type f | wc -l)"
