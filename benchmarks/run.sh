#!/usr/bin/env bash
# Kept for the README's command: the benchmarks now live in compare.sh (peer ratio, scaling,
# lint, explain, diff, phase timings). See docs/performance.md.
exec "$(dirname "$0")/compare.sh" "$@"
