#!/usr/bin/env bash
# Checks generated output with independent validators:
#   - every Kubernetes document against the official schema (kubernetes-validate --strict),
# Usage: scripts/validate-output.sh [OUTPUT_DIR]   (default: Output)
set -euo pipefail
output=${1:-Output}
kubernetes_version=${KUBERNETES_VERSION:-1.34.0}

mapfile -t manifests < <(find "$output" -path '*/clusters/*' -name '*.yaml' ! -name kustomization.yaml | sort)
if [ ${#manifests[@]} -eq 0 ]; then
  echo "validate-output: no Kubernetes manifests under $output" >&2
  exit 1
fi
kubernetes-validate --strict --quiet --kubernetes-version "$kubernetes_version" "${manifests[@]}"
echo "validate-output: ${#manifests[@]} manifest files valid against Kubernetes $kubernetes_version (strict)"
