#!/usr/bin/env bash
# checkov (PyPI) over the generated Terraform: every failed check fails CI unless docs/terraform.md
# lists it under "checkov findings left as they are" with its reason (ACCEPTED below, same ids).
# checkov gets its own virtual environment: it pins bc-python-hcl2, which installs the same `hcl2`
# module as the python-hcl2 the validators in .venv-test use.
# Usage: scripts/check-checkov.sh [DIR…]   (default: Output)
set -euo pipefail
cd "$(dirname "$0")/.."
CHECKOV_VERSION=3.3.30
ACCEPTED=""   # comma-separated check ids, each explained in docs/terraform.md
venv=.venv-checkov
if ! "$venv/bin/checkov" --version 2>/dev/null | grep -qx "$CHECKOV_VERSION"; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi
skip=()
if [ -n "$ACCEPTED" ]; then skip=(--skip-check "$ACCEPTED"); fi
status=0
for dir in "${@:-Output}"; do
  # --quiet prints failed checks only; the exit code is non-zero when any check fails.
  "$venv/bin/checkov" --directory "$dir" --framework terraform --compact --quiet "${skip[@]}" || status=1
done
exit $status
