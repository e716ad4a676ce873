#!/usr/bin/env bash
# Builds the four service images with Podman and smoke-tests one of them, on a machine with no
# Docker engine and no access to a container registry.
#
# docker/Dockerfile takes the service (SERVICE, HTTP_PORT) and its base images (MAVEN_IMAGE,
# RUNTIME_IMAGE) as build args. Where Docker
# Hub is out of reach, this script makes one local base image instead: a Debian bookworm root
# filesystem with OpenJDK 17 (debootstrap), imported with `podman import`. It then builds each
# image with `--target prebuilt` from the jars `mvn verify` (or `mvn package`) left in
# <service>/target/, so no Maven runs inside a container.
#
#   scripts/podman-images.sh            # build cotoami/<service>:podman and smoke-test gateway
#   TAG=x scripts/podman-images.sh      # another tag
#   SKIP_SMOKE=1 scripts/podman-images.sh   # build only (scripts/try-containers.sh does)
#   BASE_IMAGE=eclipse-temurin:17.0.20_8-jre-noble MAVEN_IMAGE=maven:3.9.16-eclipse-temurin-17 \
#     scripts/podman-images.sh          # the real bases, where the registry is reachable
#
# Smoke check: the gateway image starts (alone, no cluster peers: CLUSTER_HOST=127.0.0.1), the
# image's HEALTHCHECK class runs inside it, and /health/live answers on the published management port.
# Needs root (or rootless podman set up), podman, and for the local base debootstrap.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
tag="${TAG:-podman}"
services=(gateway coto-service auth-service mail-service)
declare -A http_port=([gateway]=8080 [coto-service]=8081 [auth-service]=8082 [mail-service]=8083)
local_base="localhost/cotoami-base:bookworm-jdk17"
rootfs="${ROOTFS:-/var/tmp/cotoami-rootfs}"

# Podman in a container-in-a-VM sandbox: runc, a small file-descriptor and process limit, host
# cgroup manager off.
podman_opts=(--runtime runc --cgroup-manager cgroupfs)
run_opts=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
# docker format: the OCI format has no HEALTHCHECK and podman would drop it.
build_opts=("${run_opts[@]}" --format docker)

command -v podman >/dev/null 2>&1 || { echo "podman-images: apt-get install podman runc" >&2; exit 1; }

if [[ -z "${BASE_IMAGE:-}" ]]; then
  if ! podman "${podman_opts[@]}" image exists "$local_base"; then
    if [[ ! -x "$rootfs/usr/bin/java" ]]; then
      command -v debootstrap >/dev/null 2>&1 || { echo "podman-images: apt-get install debootstrap" >&2; exit 1; }
      debootstrap --variant=minbase --include=openjdk-17-jdk-headless,ca-certificates \
        bookworm "$rootfs" http://deb.debian.org/debian
    fi
    tar -C "$rootfs" -c . | podman "${podman_opts[@]}" import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["/bin/bash"]' - "$local_base"
  fi
  BASE_IMAGE="$local_base"
  MAVEN_IMAGE="${MAVEN_IMAGE:-$local_base}"
fi
MAVEN_IMAGE="${MAVEN_IMAGE:-$BASE_IMAGE}"

for s in "${services[@]}"; do
  [[ -f "$root/$s/target/$s.jar" ]] || { echo "podman-images: $s/target/$s.jar missing: run mvn -B verify first" >&2; exit 1; }
done

for s in "${services[@]}"; do
  echo "== building cotoami/$s:$tag"
  podman "${podman_opts[@]}" build "${build_opts[@]}" \
    --file "$root/docker/Dockerfile" --target prebuilt \
    --build-arg "SERVICE=$s" --build-arg "HTTP_PORT=${http_port[$s]}" \
    --build-arg "MAVEN_IMAGE=$MAVEN_IMAGE" --build-arg "RUNTIME_IMAGE=$BASE_IMAGE" \
    --build-arg "REVISION=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)" \
    --build-arg "CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --tag "cotoami/$s:$tag" "$root"
done

if [[ -n "${SKIP_SMOKE:-}" ]]; then
  echo "== built; smoke check skipped (SKIP_SMOKE)"
  exit 0
fi

echo "== smoke check: cotoami/gateway:$tag"
name="cotoami-smoke-$$"
port="${SMOKE_PORT:-18080}"
cleanup() { podman "${podman_opts[@]}" rm -f -t 0 "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
podman "${podman_opts[@]}" run -d --name "$name" "${run_opts[@]}" \
  --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges \
  -p "127.0.0.1:$port:9090" \
  -e CLUSTER_NAME="smoke-$$" -e PUBLIC_URL=http://localhost:8080 \
  -e CLUSTER_HOST=127.0.0.1 -e CLUSTER_MEMBERS=127.0.0.1 -e LOG_FORMAT=text \
  -e JWT_PUBLIC_KEY_FILE=/run/jwt/jwt-public.pem -e JWT_KEY_ID=smoke \
  -v "$root/secrets:/run/jwt:ro" \
  "cotoami/gateway:$tag" >/dev/null

user="$(podman "${podman_opts[@]}" exec "$name" id -u)"
[[ "$user" == "10001" ]] || { echo "smoke: runs as uid $user, expected 10001" >&2; exit 1; }

for _ in $(seq 1 60); do
  if podman "${podman_opts[@]}" exec "$name" java -XX:-UsePerfData -Xmx16m -cp /opt/healthcheck HealthCheck /health/live >/dev/null 2>&1; then
    echo "smoke: /health/live answers inside the container (uid $user)"
    for _ in $(seq 1 30); do
      if podman "${podman_opts[@]}" healthcheck run "$name" >/dev/null 2>&1; then
        echo "smoke: the image's HEALTHCHECK (/health/ready) passes"
        break
      fi
      sleep 2
    done
    podman "${podman_opts[@]}" inspect "$name" --format '{{index .Config.Labels "org.opencontainers.image.title"}} revision {{index .Config.Labels "org.opencontainers.image.revision"}}'
    if command -v curl >/dev/null 2>&1; then
      curl -fsS "http://127.0.0.1:$port/health/live" >/dev/null && echo "smoke: and on the published management port $port"
    fi
    podman "${podman_opts[@]}" stop -t 40 "$name" >/dev/null
    code="$(podman "${podman_opts[@]}" inspect "$name" --format '{{.State.ExitCode}}')"
    echo "smoke: after SIGTERM the gateway exited with $code"
    [[ "$code" == "0" ]] || exit 1
    echo "smoke: passed"
    exit 0
  fi
  sleep 2
done
echo "smoke: /health/live never answered; the container's log:" >&2
podman "${podman_opts[@]}" logs "$name" >&2 || true
exit 1
