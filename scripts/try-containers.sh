#!/usr/bin/env bash
# Tries the shipped container setup for real, with Podman: builds the four images
# (scripts/podman-images.sh, from the jars in <service>/target/), runs docker-compose.yml with
# podman-compose, waits until every service answers /health/ready (the images' own HEALTHCHECK
# class, run inside each container) and posts an anonymous coto through the published gateway
# port. Then it takes everything down again (KEEP=1 leaves it running).
#
#   mvn -q -DskipTests package        # once: the jars
#   scripts/try-containers.sh
#
# Where the images of PostgreSQL, Redis and Mailpit cannot be pulled (no registry reachable), it
# builds stand-ins under the same names from the local Debian base: Debian's PostgreSQL 15 and
# Redis 7.0 with the official images' entry points' essentials, and a small SMTP sink with
# Mailpit's /readyz. They are enough to run the topology, not a statement about those versions.
#
# Not part of `mvn verify`: it needs root, podman, podman-compose and debootstrap
# (apt-get install podman runc podman-compose debootstrap) and takes minutes of CPU.
#
#   COTOAMI_GATEWAY_PORT / COTOAMI_MAIL_UI_PORT   published ports (default 18080 / 18025 here)
#   EXTRA_COMPOSE_FILE   a compose file merged over docker-compose.yml
#   STATE                podman's storage for this try (default /var/tmp/cotoami-try)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
state="${STATE:-/var/tmp/cotoami-try}"
project="cotoami-try"
export COTOAMI_GATEWAY_PORT="${COTOAMI_GATEWAY_PORT:-18080}"
export COTOAMI_MAIL_UI_PORT="${COTOAMI_MAIL_UI_PORT:-18025}"
export COTOAMI_CLUSTER_NAME="${COTOAMI_CLUSTER_NAME:-cotoami-try-$$}"
services=(gateway coto-service auth-service mail-service)

for tool in podman podman-compose curl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "try-containers: needs $tool (apt-get install podman runc podman-compose curl debootstrap)" >&2; exit 1; }
done
"$root/scripts/generate-jwt-keys.sh" >/dev/null

# A podman of this try's own: its own storage, runc, a cgroup manager that needs no systemd and
# limits a sandbox accepts. podman-compose and podman-images.sh find it first on PATH.
# The same layout as /work/shared/tools/podman-setup.sh makes, so STATE may be its directory (and
# use the base images it built: BASE_IMAGE, MAVEN_IMAGE).
mkdir -p "$state"/{root,run,tmp,bin,libpodtmp,vol}
cat >"$state/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$state/libpodtmp"
volume_path = "$state/vol"
CONF
cat >"$state/bin/podman" <<WRAP
#!/bin/sh
export CONTAINERS_CONF="$state/containers.conf" TMPDIR="$state/tmp"
exec /usr/bin/podman --root "$state/root" --runroot "$state/run" --tmpdir "$state/libpodtmp" --volumepath "$state/vol" "\$@"
WRAP
chmod +x "$state/bin/podman"
export PATH="$state/bin:$PATH"

echo "== images of the four services"
ROOTFS="${ROOTFS:-$state/rootfs}" TAG=dev SKIP_SMOKE=1 "$root/scripts/podman-images.sh"
# The runtime base podman-images.sh used (BASE_IMAGE, else the local Debian one); the stand-ins too.
base="${BASE_IMAGE:-localhost/cotoami-base:bookworm-jdk17}"

# --- PostgreSQL, Redis and the mail catcher: the real images, or stand-ins ---------------------
standin() { # name, image, Dockerfile body
  local dir="$state/standin-$1"
  mkdir -p "$dir"
  printf '%s\n' "$3" >"$dir/Dockerfile"
  [[ -n "${4:-}" ]] && printf '%s\n' "$4" >"$dir/entry"
  echo "== stand-in for $2 (no registry reached)"
  podman build --format docker -q -t "$2" "$dir" >/dev/null
}
have() { podman image exists "$1" || timeout 120 podman pull -q "$1" >/dev/null 2>&1; }

have docker.io/library/postgres:17.11 || standin postgres docker.io/library/postgres:17.11 "FROM $base
RUN groupadd -g 999 postgres && useradd -u 999 -g 999 -d /var/lib/postgresql postgres \\
 && apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql-15 \\
 && rm -rf /var/lib/apt/lists/* && mkdir -p /var/lib/postgresql/data /var/run/postgresql \\
 && chown -R 999:999 /var/lib/postgresql /var/run/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:\$PATH PGDATA=/var/lib/postgresql/data
COPY entry /entry
USER 999:999
ENTRYPOINT [\"/bin/bash\", \"/entry\"]" '# initdb on first start with POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB, as the official image does
set -e
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pw="$(mktemp)"; printf "%s" "$POSTGRES_PASSWORD" >"$pw"
  initdb -U "$POSTGRES_USER" --pwfile="$pw" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 -D "$PGDATA" >/dev/null
  rm -f "$pw"
  echo "host all all 0.0.0.0/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=127.0.0.1" -w start >/dev/null
  PGPASSWORD="$POSTGRES_PASSWORD" psql -h 127.0.0.1 -U "$POSTGRES_USER" -d postgres -qc "CREATE DATABASE \"$POSTGRES_DB\""
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec postgres -D "$PGDATA" -c listen_addresses="*"'

have docker.io/library/redis:7.4.11 || standin redis docker.io/library/redis:7.4.11 "FROM $base
RUN groupadd -g 999 redis && useradd -u 999 -g 999 -d /data redis \\
 && apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server \\
 && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown 999:999 /data \\
 && printf '#!/bin/sh\\nexec /usr/bin/redis-server \"\$@\" --protected-mode no\\n' >/usr/local/bin/redis-server \\
 && chmod 755 /usr/local/bin/redis-server
# As in the official image, whose build turns protected mode off: other containers connect.
WORKDIR /data
USER 999:999
CMD [\"redis-server\"]"

have docker.io/axllent/mailpit:v1.30.7 || standin mailpit docker.io/axllent/mailpit:v1.30.7 "FROM $base
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3 python3-aiosmtpd \\
 && rm -rf /var/lib/apt/lists/*
COPY entry /mailpit.py
RUN printf '#!/bin/sh\nexec python3 /mailpit.py \"\$@\"\n' >/mailpit && chmod 755 /mailpit
USER 10001:10001
ENTRYPOINT [\"/mailpit\"]" '# An SMTP sink on 1025 and /livez, /readyz and /api/v1/messages (the count) on 8025.
import asyncio, http.server, sys, threading, urllib.request
if sys.argv[1:] == ["readyz"]:
    sys.exit(0 if urllib.request.urlopen("http://127.0.0.1:8025/readyz", timeout=2).status == 200 else 1)
from aiosmtpd.controller import Controller
received = []
class Sink:
    async def handle_DATA(self, server, session, envelope):
        received.append(envelope.rcpt_tos)
        return "250 OK"
class Web(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = (("{\"total\": %d}" % len(received)) if self.path.startswith("/api/v1/messages") else "ok").encode()
        self.send_response(200 if self.path in ("/livez", "/readyz") or self.path.startswith("/api/") else 404)
        self.end_headers(); self.wfile.write(body)
    def log_message(self, *args): pass
Controller(Sink(), hostname="0.0.0.0", port=1025).start()
http.server.ThreadingHTTPServer(("0.0.0.0", 8025), Web).serve_forever()'

# --- the compose file itself ---------------------------------------------------------------------
compose=(podman-compose -p "$project" -f "$root/docker-compose.yml")
[[ -n "${EXTRA_COMPOSE_FILE:-}" ]] && compose+=(-f "$EXTRA_COMPOSE_FILE")
down() { [[ -n "${KEEP:-}" ]] || (cd "$root" && "${compose[@]}" down -v >/dev/null 2>&1 || true); }
trap down EXIT
echo "== ${compose[*]} up -d --no-build"
(cd "$root" && "${compose[@]}" up -d --no-build)

containers=(gateway coto-service-1 coto-service-2 auth-service mail-service)
deadline=$((SECONDS + ${READY_TIMEOUT:-600}))
for c in "${containers[@]}"; do
  name="${project}_${c}_1"
  until podman exec "$name" java -XX:-UsePerfData -Xmx16m -cp /opt/healthcheck HealthCheck /health/ready >/dev/null 2>&1; do
    if ((SECONDS > deadline)); then
      echo "try-containers: $c never answered /health/ready; its log:" >&2
      podman logs --tail 40 "$name" >&2 || true
      exit 1
    fi
    sleep 3
  done
  echo "ready: $c ($(podman exec "$name" id -u | tr -d '\n') is its uid; root filesystem read-only: $(podman inspect "$name" --format '{{.HostConfig.ReadonlyRootfs}}'))"
done

url="http://127.0.0.1:$COTOAMI_GATEWAY_PORT"
# A ready gateway learns coto-service's instances from their next announcement (every 2 s): until
# then it answers 503 "No instance of coto-service is ready", which is worth one more try.
for _ in $(seq 1 20); do
  answer="$(curl -sS -i -X POST "$url/api/cotos" -H 'Content-Type: application/json' \
    -H "Origin: http://localhost:$COTOAMI_GATEWAY_PORT" --data '{"content":"hello from try-containers"}')"
  grep -q 'No instance of coto-service is ready' <<<"$answer" || break
  sleep 2
done
status="$(head -1 <<<"$answer" | tr -d '\r')"
echo "anonymous post through the gateway: $status"
grep -q ' 201' <<<"$status" || { echo "$answer" >&2; exit 1; }
grep -qi '^set-cookie: anonymous_id=' <<<"$answer" || { echo "no anonymous_id cookie: $answer" >&2; exit 1; }
grep -q '"anonymous":true' <<<"$answer" || { echo "$answer" >&2; exit 1; }
echo "try-containers: passed"
