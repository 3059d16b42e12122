#!/bin/bash
# Instructions a command executes, counted by callgrind (valgrind): a CPU-work figure that the
# machine's load does not move, for before/after comparisons of one change. Threads are run one
# at a time under valgrind, so this says nothing about wall time.
#   benchmarks/icount.sh BINARY ARGS...      e.g. benchmarks/icount.sh .build/release/meridian explain big.yaml
# Needs valgrind (Debian: apt-get install valgrind).
set -euo pipefail
valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null \
    | grep -o "Collected : [0-9]*" | awk '{ printf "%.1f M instructions\n", $3 / 1e6 }'
