# Sourced by the test scripts: a virtual environment in .venv-test with the Python tools they use,
# so they work on a stock Debian/Ubuntu Python, whose system pip refuses to install (PEP 668,
# "externally-managed-environment"). Puts the environment's bin/ first on PATH.
# Usage: source scripts/python-env.sh [package…]   (installs only what is missing)
meridian_venv="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.venv-test"
if [ ! -x "$meridian_venv/bin/python" ]; then
  python3 -m venv "$meridian_venv" || {
    echo "python3 -m venv failed; on Debian/Ubuntu: apt-get install python3-venv" >&2
    return 1
  }
fi
export PATH="$meridian_venv/bin:$PATH"
if [ $# -gt 0 ] && ! "$meridian_venv/bin/python" -m pip show --quiet "$@" > /dev/null 2>&1; then
  "$meridian_venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
fi
