# Sourced by the test scripts: a virtual environment in .venv-test with the Python tools they use,
# so they work on a stock Debian/Ubuntu Python, whose system pip refuses to install (PEP 668,
# "externally-managed-environment"). Puts the environment's bin/ first on PATH.
# Usage: source scripts/python-env.sh [package…]   (installs only what is missing)
meridian_venv="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.venv-test"
if [ ! -x "$meridian_venv/bin/python" ]; then
  if ! python3 -m venv "$meridian_venv" 2>/dev/null; then
    # Debian/Ubuntu ship venv separately; as root (CI) install it, otherwise say how.
    rm -rf "$meridian_venv"
    if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
      apt-get update -qq && apt-get install -y -qq python3-venv > /dev/null
      python3 -m venv "$meridian_venv"
    else
      echo "python3 -m venv failed; on Debian/Ubuntu: sudo apt-get install python3-venv" >&2
      return 1
    fi
  fi
fi
export PATH="$meridian_venv/bin:$PATH"
# Install only the distributions that are missing (one interpreter start, no network when all are there).
meridian_missing=$("$meridian_venv/bin/python" - "$@" <<'PY'
import sys
from importlib import metadata
for name in sys.argv[1:]:
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        print(name)
PY
)
if [ -n "$meridian_missing" ]; then
  # shellcheck disable=SC2086  # one distribution name per word
  "$meridian_venv/bin/python" -m pip install --quiet --disable-pip-version-check $meridian_missing
fi
