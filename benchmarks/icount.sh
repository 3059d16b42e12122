#!/bin/bash
# icount.sh BIN args... : instructions executed (callgrind Ir), a noise-free proxy for CPU work
valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | grep -o "Collected : [0-9]*" | awk '{printf "%.1f M instr\n", $3/1e6}'
