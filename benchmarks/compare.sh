#!/usr/bin/env bash
# Meridian against the python + libyaml peer, and the figures of issue 11 (see docs/performance.md).
# Builds the release binary with the standard library linked statically, as Meridian is meant to
# be installed, then runs benchmarks/compare.py. Arguments go to compare.py (--pairs N, --quick);
# OUTPUT_ROOT=/dev/shm keeps the disk out of the compile figures.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import yaml, sys; sys.exit(0 if yaml.__with_libyaml__ else "PyYAML without libyaml: the peer needs yaml.CDumper")'
swift build -c release --product meridian --static-swift-stdlib --scratch-path .build-static >/dev/null
exec python3 benchmarks/compare.py .build-static/release/meridian "$@"
