#!/usr/bin/env bash
# Continuous delivery's roll (.github/workflows/deliver.yml runs it; you can too): applies a whole
# overlay with every service's image pinned to the commit's tag, waits for each Deployment to
# become ready, and undoes each one that does not. Every run applies everything at its own tags,
# so a roll that failed before is tried again and changes under k8s/ ship with the code.
#
#   SHA=<commit> IMAGE_REPOSITORY=<registry>/<path> scripts/deliver-k8s.sh
#   SHA=... IMAGE_REPOSITORY=... scripts/deliver-k8s.sh --render   # print what would be applied
#
# OVERLAY (default k8s/overlays/cloud-gateway-api), NAMESPACE (default cotoami) and
# ROLLOUT_TIMEOUT (default 10m) may be set. The kubeconfig's account needs only what
# k8s/delivery/deployer-rbac.yaml grants. Exit 0: everything rolled; 1: a roll failed (and was
# undone); 2: bad arguments or a rendering that does not pin the images.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
services=(gateway coto-service auth-service mail-service)
overlay="${OVERLAY:-k8s/overlays/cloud-gateway-api}"
ns="${NAMESPACE:-cotoami}"
timeout="${ROLLOUT_TIMEOUT:-10m}"

fail() { echo "deliver-k8s: $*" >&2; exit 2; }
[[ "${SHA:-}" =~ ^[0-9a-f]{7,40}$ ]] || fail "SHA must be a commit id (7 to 40 hex digits), got '${SHA:-}'"
[[ -n "${IMAGE_REPOSITORY:-}" ]] || fail "IMAGE_REPOSITORY is not set"
[[ -f "$root/$overlay/kustomization.yaml" ]] || fail "no kustomization in $overlay"

# An outer kustomization over the overlay that only replaces the images. It must sit inside k8s/
# (kustomize takes relative paths only); k8s/.deliver-* is git-ignored and removed on exit.
work="$(mktemp -d "$root/k8s/.deliver-XXXXXX")"
trap 'rm -rf "$work"' EXIT
base_render="$(kubectl kustomize "$root/$overlay")"
{
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  echo "resources:"
  echo "  - ../${overlay#k8s/}"
  echo "images:"
  for s in "${services[@]}"; do
    # The overlay's own name for the image (the registry an operator put in its kustomization).
    current="$(sed -n "s|^ *image: \(.*/$s\)\(:[^/]*\)\{0,1\}$|\1|p" <<<"$base_render" | sort -u)"
    [[ -n "$current" && "$current" != *$'\n'* ]] || fail "$overlay: cannot tell the one image of $s"
    echo "  - name: $current"
    echo "    newName: $IMAGE_REPOSITORY/$s"
    echo "    newTag: \"$SHA\""
  done
} >"$work/kustomization.yaml"
kubectl kustomize "$work" >"$work/manifests.yaml"

for s in "${services[@]}"; do
  grep -qE "^ *image: $IMAGE_REPOSITORY/$s:$SHA\$" "$work/manifests.yaml" \
    || fail "the rendering does not run $IMAGE_REPOSITORY/$s:$SHA"
done

if [[ "${1:-}" == "--render" ]]; then
  cat "$work/manifests.yaml"
  exit 0
fi

echo "Applying $overlay at $SHA"
kubectl apply -f "$work/manifests.yaml"

failed=()
for s in "${services[@]}"; do
  if ! kubectl -n "$ns" rollout status "deployment/$s" --timeout="$timeout"; then
    failed+=("$s")
  fi
done

if [[ "${#failed[@]}" -eq 0 ]]; then
  echo "Rolled ${services[*]} to $SHA"
  exit 0
fi

for s in "${failed[@]}"; do
  kubectl -n "$ns" rollout undo "deployment/$s" || true
  # A GitHub Actions annotation, shown on the run's page; plain text elsewhere.
  echo "::error title=Roll failed::$s did not become ready at $SHA within $timeout: rolled back to its previous revision"
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    echo "- **$s** did not become ready at \`$SHA\`: rolled back; the next run applies it again" >>"$GITHUB_STEP_SUMMARY"
  fi
done
exit 1
