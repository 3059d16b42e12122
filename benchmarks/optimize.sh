#!/usr/bin/env bash
# The optimize benchmark (issue 21): `meridian optimize` on a generated blueprint of SERVICES services
# in REGIONS regions (benchmarks/make-blueprint.py), release build. Prints wall time, CPU time
# (user+sys), peak memory and how many designs the search analysed; the target is <= 2 s at 100 x 6.
#   benchmarks/optimize.sh [SERVICES] [REGIONS]        (default 100 6)
#   MERIDIAN_BIN=path benchmarks/optimize.sh           (skip the build, measure that binary)
set -euo pipefail
cd "$(dirname "$0")/.."
services="${1:-100}"; regions="${2:-6}"
if [ -z "${MERIDIAN_BIN:-}" ]; then
  swift build -c release --product meridian >/dev/null
  MERIDIAN_BIN="$PWD/.build/release/meridian"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 benchmarks/make-blueprint.py "$services" "$regions" > "$work/blueprint.yaml"
echo "optimize: $services services x $regions regions; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for run in 1 2 3; do
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$MERIDIAN_BIN" optimize "$work/blueprint.yaml" --format json > "$work/out.json"
  read -r wall user sys rss < "$work/time"
  designs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["evaluated"])' "$work/out.json")
  printf 'run %d: %6.2f s wall %6.2f s cpu %6d MiB, %s designs analysed\n' "$run" "$wall" "$(awk "BEGIN { print $user + $sys }")" "$((rss / 1024))" "$designs"
done
