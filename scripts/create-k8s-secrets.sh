#!/usr/bin/env bash
# Creates (or updates) the two Secrets the manifests in k8s/ refer to, in the current kubectl
# context. No secret value is committed to the repository: they come from secrets/ (made by
# scripts/generate-jwt-keys.sh) and from the environment. Idempotent: run it again to change a value.
#
#   cotoami-jwt      jwt-private.pem, jwt-public.pem          (mounted as files)
#   cotoami-secrets  PGPASSWORD [, SMTP_USERNAME, SMTP_PASSWORD] (read as env)
#
# PGPASSWORD: taken from the environment, or generated once and kept in secrets/pgpassword.
# Changing it later does not change the password of an existing database: do that with ALTER ROLE.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
ns="${NAMESPACE:-cotoami}"

"$root/scripts/generate-jwt-keys.sh"

if [[ -z "${PGPASSWORD:-}" ]]; then
  if [[ ! -s "$root/secrets/pgpassword" ]]; then
    (umask 077; openssl rand -hex 24 >"$root/secrets/pgpassword")
  fi
  PGPASSWORD="$(cat "$root/secrets/pgpassword")"
fi

# The namespace as k8s/base/namespace.yaml has it (the same labels, deploy-checks compares them),
# applied rather than created: run before or after `kubectl apply -f k8s/all-in-one.yaml` or
# `kubectl apply -k <overlay>`, and as often as you like, the result is the same.
kubectl create namespace "$ns" --dry-run=client -o yaml \
  | kubectl label --local -f - -o yaml \
      app.kubernetes.io/part-of=cotoami \
      pod-security.kubernetes.io/enforce=restricted \
  | kubectl apply -f -

kubectl -n "$ns" create secret generic cotoami-jwt \
  --from-file=jwt-private.pem="$root/secrets/jwt-private.pem" \
  --from-file=jwt-public.pem="$root/secrets/jwt-public.pem" \
  --dry-run=client -o yaml | kubectl apply -f -

args=(--from-literal=PGPASSWORD="$PGPASSWORD")
[[ -n "${SMTP_USERNAME:-}" ]] && args+=(--from-literal=SMTP_USERNAME="$SMTP_USERNAME")
[[ -n "${SMTP_PASSWORD:-}" ]] && args+=(--from-literal=SMTP_PASSWORD="$SMTP_PASSWORD")
kubectl -n "$ns" create secret generic cotoami-secrets "${args[@]}" \
  --dry-run=client -o yaml | kubectl apply -f -

echo "secrets cotoami-jwt and cotoami-secrets are in namespace $ns"
