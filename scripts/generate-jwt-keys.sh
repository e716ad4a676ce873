#!/usr/bin/env bash
# One-time step: makes the key pair auth-service signs sessions with (EC P-256, private key in
# PKCS#8 PEM) in secrets/, which git ignores. docker compose mounts these files;
# scripts/create-k8s-secrets.sh puts them into a Kubernetes Secret.
#
# Refuses to overwrite existing keys (that would sign everyone out): pass --force to rotate.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/secrets"
private="$dir/jwt-private.pem"
public="$dir/jwt-public.pem"

if [[ -e "$private" && "${1:-}" != "--force" ]]; then
  echo "generate-jwt-keys: $private exists; pass --force to replace the key pair" >&2
  exit 0
fi

command -v openssl >/dev/null 2>&1 || { echo "generate-jwt-keys: needs openssl" >&2; exit 1; }

mkdir -p "$dir"
chmod 700 "$dir"
umask 077
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# genpkey writes PKCS#8 ("BEGIN PRIVATE KEY"), which Java's PKCS8EncodedKeySpec reads as is.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/private.pem"
openssl pkey -in "$tmp/private.pem" -pubout -out "$tmp/public.pem"
mv "$tmp/private.pem" "$private"
mv "$tmp/public.pem" "$public"
# The containers run as uid 10001, not as you: the files must be readable by others. The
# directory is 0700 on the host, so only you (and the containers, via the bind mount) read them.
chmod 644 "$private" "$public"
echo "wrote secrets/jwt-private.pem and secrets/jwt-public.pem"
