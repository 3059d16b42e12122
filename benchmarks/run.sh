#!/usr/bin/env bash
# Speed and memory benchmarks (spec section 8), on a release build:
#   lint of a 6-region, 20-service blueprint (target: under 30 ms wall, process start included);
#   compile of 1,000 services x 8 regions (target: under 2 s wall, 300 MiB peak), and the scaling.
# Usage: benchmarks/run.sh   (prints one line per measurement)
set -euo pipefail
cd "$(dirname "$0")/.."
# The statically linked standard library is how Meridian should be installed: it halves process
# start (dynamic relocation of libswiftCore and Foundation is ~10 ms of a ~25 ms lint).
swift build -c release --product meridian --static-swift-stdlib --scratch-path .build-static >/dev/null
bin=.build-static/release/meridian
work=$(mktemp -d "${OUTPUT_ROOT:-${TMPDIR:-/tmp}}/meridian-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 benchmarks/make-blueprint.py 20 6 > "$work/lint-6x20.yaml"
"$bin" lint "$work/lint-6x20.yaml" >/dev/null

# Median of 50 runs, wall clock, process start included.
python3 - "$bin" "$work/lint-6x20.yaml" <<'PY'
import statistics, subprocess, sys, time
times = []
for _ in range(50):
    start = time.perf_counter()
    subprocess.run([sys.argv[1], "lint", sys.argv[2]], check=True, stdout=subprocess.DEVNULL)
    times.append((time.perf_counter() - start) * 1000)
print(f"lint 6 regions x 20 services: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms over 50 runs")
PY

# OUTPUT_ROOT (default: a temporary directory) chooses the file system; /dev/shm separates our
# time from the disk's. Each run writes into a new directory: on ext4, creating files right after deleting thousands
# is several times slower (inode reuse checks), which would measure the file system, not us.
for size in 250 500 1000; do
  python3 benchmarks/make-blueprint.py "$size" 8 > "$work/compile-$size.yaml"
  /usr/bin/time -f "%e %U %M" -o "$work/time.txt" "$bin" compile "$work/compile-$size.yaml" -o "$work/out-$size" >/dev/null
  read -r seconds user kilobytes < "$work/time.txt"
  files=$(find "$work/out-$size" -type f | wc -l)
  bytes=$(du -sb "$work/out-$size" | cut -f1)
  start=$(date +%s%N); cp -r "$work/out-$size" "$work/copy-$size"; end=$(date +%s%N)
  echo "compile $size services x 8 regions: ${seconds} s wall (${user} s user), $((kilobytes / 1024)) MiB peak, $files files, $((bytes / 1024 / 1024)) MiB; cp -r of the output $(( (end - start) / 1000000 )) ms"
done
