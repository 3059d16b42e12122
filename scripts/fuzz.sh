#!/usr/bin/env bash
# Builds and runs meridian's libFuzzer targets (Fuzz/, docs/fuzzing.md).
#
#   scripts/fuzz.sh --build                 build both fuzz targets (release, -sanitize=fuzzer)
#   scripts/fuzz.sh lint|compile [SECONDS] [-- LIBFUZZER-ARGS…]
#                                           fuzz one target; SECONDS 0 or omitted = until stopped
#   scripts/fuzz.sh --regressions           run every Fuzz/regressions input once; fails when one
#                                           that index.txt marks fixed crashes, hangs or blows up again
#   scripts/fuzz.sh --ci                    --regressions, then each target for $FUZZ_SECONDS (45) s;
#                                           fails on any crash, timeout (5 s) or OOM (2 GB)
#
# New findings land in Fuzz/.build/fuzz/artifacts-<target>/; the growing corpus in
# Fuzz/.build/fuzz/corpus-<target>/ (both ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
fuzz_dir=$root/Fuzz
work=$fuzz_dir/.build/fuzz
bin=$fuzz_dir/.build/release
index=$fuzz_dir/regressions/index.txt

# Swift's backtracer would add seconds to every crash and fight libFuzzer's own signal handling.
export SWIFT_BACKTRACE=enable=no

# The limits issue 10 holds meridian to: 5 s per input, 2 GB; inputs up to 16 KiB.
limits=(-timeout=5 -rss_limit_mb=2048 -max_len=16384)

build() {
  echo "== building fuzz targets (release, -sanitize=fuzzer)"
  # SwiftPM keeps its build plan while Fuzz/Package.swift is unchanged, so it misses source files
  # added to the main package ("cannot find 'X' in scope"), and dropping just the plan linked
  # modules built against an older struct layout (a crash in swift_retain on every input).
  # When the main package's manifest or file list changes, build from scratch.
  local stamp stamp_file=$work/sources.stamp
  stamp=$( (cat Package.swift; find Sources -type f | LC_ALL=C sort) | cksum)
  if [[ -f $stamp_file && $(cat "$stamp_file") != "$stamp" ]]; then
    echo "the main package's files changed since the last fuzz build: building from scratch"
    rm -rf "$fuzz_dir/.build/release" "$fuzz_dir/.build/release.yaml" "$fuzz_dir/.build"/*-linux-gnu/release
  fi
  (cd "$fuzz_dir" && swift build -c release -Xswiftc -sanitize=fuzzer)
  echo "$stamp" > "$stamp_file"
}

# Regression inputs whose status in index.txt is `fixed` (or that index.txt does not list).
fixed_regressions() {
  local file
  for file in "$fuzz_dir"/regressions/*; do
    [[ $(basename "$file") == index.txt ]] && continue
    [[ $(status_of "$(basename "$file")") == open ]] || echo "$file"
  done
}

status_of() {
  awk -v name="$1" '$1 !~ /^#/ && $2 == name { print $1; exit }' "$index"
}

# Seeds: our hand-made inputs, the example blueprints, the negative fixtures, and every fixed
# regression. libFuzzer writes new inputs only to the first directory, the working corpus.
seed_dirs() {
  local target=$1 fixed=$work/fixed-regressions-$target
  rm -rf "$fixed" && mkdir -p "$fixed"
  fixed_regressions | while read -r file; do cp "$file" "$fixed/"; done
  echo "$work/corpus-$target" "$fuzz_dir/seeds" "$root/Blueprints" "$root/Tests/CompilerTests/Fixtures/negative" "$fixed"
}

run_target() {
  local target=$1 seconds=${2:-0}
  shift $(( $# >= 2 ? 2 : $# ))
  [[ ${1:-} == -- ]] && shift
  local program
  case $target in
    lint) program=$bin/FuzzLint ;;
    compile) program=$bin/FuzzCompile ;;
    *) echo "unknown target '$target' (lint or compile)" >&2; exit 2 ;;
  esac
  mkdir -p "$work/corpus-$target" "$work/artifacts-$target"
  local dirs
  read -r -a dirs <<< "$(seed_dirs "$target")"
  echo "== fuzzing $target for ${seconds}s (0 = until stopped); findings go to $work/artifacts-$target/"
  "$program" "${limits[@]}" -dict="$fuzz_dir/meridian.dict" -max_total_time="$seconds" \
    -print_final_stats=1 -artifact_prefix="$work/artifacts-$target/" "$@" "${dirs[@]}"
}

# Runs every regression input once through the compile harness (which runs the lint path first).
regressions() {
  local file name status description failures=0
  echo "== regression inputs (Fuzz/regressions, statuses in index.txt)"
  for file in "$fuzz_dir"/regressions/*; do
    name=$(basename "$file")
    [[ $name == index.txt ]] && continue
    status=$(status_of "$name")
    description=$(awk -v name="$name" '$1 !~ /^#/ && $2 == name { $1 = $2 = ""; sub(/^ +/, ""); print; exit }' "$index")
    if "$bin/FuzzCompile" "${limits[@]}" "$file" > "$work/regression.log" 2>&1; then
      if [[ $status == open ]]; then
        echo "now passes: $name (marked open; mark it fixed in index.txt)"
      else
        echo "ok:         $name"
      fi
    else
      local finding
      finding=$(grep -m1 -oE 'ERROR: libFuzzer: [a-z0-9 -]+|Fatal error: .{0,100}' "$work/regression.log" || echo "exit $?")
      if [[ $status == open ]]; then
        echo "open:       $name — $finding — $description"
      else
        echo "REGRESSED:  $name — $finding — $description"
        failures=$((failures + 1))
      fi
    fi
  done
  if (( failures > 0 )); then
    echo "$failures regression input(s) marked fixed fail again" >&2
    return 1
  fi
}

mkdir -p "$work"
case ${1:-} in
  --build) build ;;
  --regressions) build; regressions ;;
  --ci)
    echo "== fuzzing (scripts/fuzz.sh --ci): regressions, then ${FUZZ_SECONDS:-45} s per libFuzzer target"
    build
    regressions
    seconds=${FUZZ_SECONDS:-45}
    run_target lint "$seconds"
    run_target compile "$seconds"
    ;;
  lint|compile) build; run_target "$@" ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
