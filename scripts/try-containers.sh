#!/usr/bin/env bash
# Tries the shipped container setup for real, with Podman: builds the four images
# (scripts/podman-images.sh, from the jars in <service>/target/), runs docker-compose.yml with
# podman-compose, waits until every service answers /health/ready (the images' own HEALTHCHECK
# class, run inside each container, on the management port) and walks the README's flow through
# the published gateway port: an anonymous post (201) on the visitor's timeline, a sign-in
# request, the link read from the mail catcher's API, the link redeemed (the anonymous coto
# moved), a signed-in post on the home timeline, sign-out (the old session cookie then gets 401),
# and a rolling replacement of both coto-service containers, one after the other, under steady
# reads and posts, none of which may fail. Then it takes everything down (KEEP=1 leaves it up).
#
#   mvn -q -DskipTests package        # once: the jars
#   scripts/try-containers.sh
#   WALK_ONLY=1 scripts/try-containers.sh   # the walk again, on the stack a KEEP=1 run left up
#
# With /work/shared/tools/podman-setup.sh DIR's storage and base images (no registry reachable):
#   STATE=DIR BASE_IMAGE=docker.io/library/eclipse-temurin:17-jre \
#     MAVEN_IMAGE=docker.io/library/maven:3.9-eclipse-temurin-17 scripts/try-containers.sh
#
# Where the images of PostgreSQL, Redis and Mailpit cannot be pulled (no registry reachable), it
# builds stand-ins under the same names from the base image, labelled io.cotoami.standin (so a
# later run rebuilds them, never mistakes them for the real ones): Debian's PostgreSQL 15 and
# Redis 7.0 with the official images' entry points' essentials, and a small SMTP sink with
# Mailpit's /readyz and the two calls of its API the walk reads (/api/v1/messages,
# /api/v1/message/<ID>). They are enough to run the topology, not a statement about those versions.
#
# Not part of `mvn verify`: it needs root, podman, podman-compose and debootstrap
# (apt-get install podman runc podman-compose debootstrap) and takes minutes of CPU.
#
#   COTOAMI_GATEWAY_PORT / COTOAMI_MAIL_UI_PORT   published ports (default 18080 / 18025 here)
#   EXTRA_COMPOSE_FILE   a compose file merged over docker-compose.yml
#   STATE                podman's storage for this try (default /var/tmp/cotoami-try)
#   SKIP_ROLL=1          no rolling replacement
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

if [[ -z "${WALK_ONLY:-}" ]]; then
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
  # Labelled, so that a later run rebuilds it (from the layer cache) rather than taking it for the real image.
  podman build --format docker -q --label io.cotoami.standin=true -t "$2" "$dir" >/dev/null
}
# The real image: present and not one of our stand-ins, or pulled now.
have() {
  if podman image exists "$1"; then
    [[ "$(podman image inspect "$1" --format '{{index .Labels "io.cotoami.standin"}}')" != "true" ]]
  else
    timeout 120 podman pull -q "$1" >/dev/null 2>&1
  fi
}

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
ENTRYPOINT [\"/mailpit\"]" '# An SMTP sink on 1025 and, on 8025, /livez, /readyz and the part of the Mailpit API that the walk reads:
# GET /api/v1/messages ({"total", "messages": [{"ID", "To", "Subject"}]}, newest first) and
# GET /api/v1/message/<ID> ({"ID", "To", "Subject", "Text", "HTML"}).
import asyncio, email, email.policy, http.server, json, sys, threading, urllib.request
if sys.argv[1:] == ["readyz"]:
    sys.exit(0 if urllib.request.urlopen("http://127.0.0.1:8025/readyz", timeout=2).status == 200 else 1)
from aiosmtpd.controller import Controller
received = []
lock = threading.Lock()
def part(msg, kind):
    body = msg.get_body((kind,))
    return body.get_content() if body is not None else ""
class Sink:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with lock:
            received.append({"ID": str(len(received) + 1), "To": [{"Address": a} for a in envelope.rcpt_tos],
                             "Subject": str(msg.get("Subject", "")), "Text": part(msg, "plain"), "HTML": part(msg, "html")})
        return "250 OK"
class Web(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        status, body = 404, {"error": "not found"}
        with lock:
            if self.path in ("/livez", "/readyz"):
                status, body = 200, "ok"
            elif self.path.startswith("/api/v1/messages"):
                status, body = 200, {"total": len(received), "messages": [
                    {k: m[k] for k in ("ID", "To", "Subject")} for m in reversed(received)]}
            elif self.path.startswith("/api/v1/message/"):
                found = [m for m in received if m["ID"] == self.path.rsplit("/", 1)[1]]
                if found:
                    status, body = 200, found[0]
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if isinstance(body, str) else "application/json")
        self.end_headers(); self.wfile.write(data)
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
else
  # WALK_ONLY=1: the walk again, on a stack a KEEP=1 run left up.
  compose=(podman-compose -p "$project" -f "$root/docker-compose.yml")
  [[ -n "${KEEP:-}" ]] || echo "try-containers: WALK_ONLY leaves the stack up" >&2
  KEEP=1
fi

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
origin="http://localhost:$COTOAMI_GATEWAY_PORT"
mailapi="http://127.0.0.1:$COTOAMI_MAIL_UI_PORT/api/v1"
work="$(mktemp -d)"
fail() { echo "try-containers: FAILED: $*" >&2; exit 1; }
# request METHOD PATH [BODY]: as the browser whose cookies are in $work/jar; the answer's head and
# body in $work/answer, its status in $status.
request() {
  local args=(-sS -o "$work/answer" -D "$work/head" -w '%{http_code}' -b "$work/jar" -c "$work/jar" -X "$1" "$url$2")
  [[ -n "${3:-}" ]] && args+=(-H 'Content-Type: application/json' -H "Origin: $origin" --data "$3")
  [[ "$1" == POST && -z "${3:-}" ]] && args+=(-H "Origin: $origin")
  status="$(curl "${args[@]}")"
}
expect() { [[ "$status" == "$1" ]] || fail "$2: expected $1, got $status: $(head -c 400 "$work/answer")"; echo "ok: $2 ($status)"; }

echo "== the README's walk, through the published gateway port $COTOAMI_GATEWAY_PORT"
code="$(curl -s -o /dev/null -w '%{http_code}' "$url/health/ready")"
[[ "$code" == 404 ]] || fail "/health/ready answers $code on the public port: it belongs on the management port only"
echo "ok: /health/ready is not on the public port (404); the checks above ran it on MANAGEMENT_PORT 9090"

# 1. An anonymous post, then the visitor's own timeline shows it. Every instance is ready, so the
#    gateway knows coto-service: no 503 is expected here (it was, when the cluster did not form).
request POST /api/cotos '{"content":"hello from try-containers","summary":"anonymous"}'
expect 201 "anonymous post"
grep -qi '^set-cookie: anonymous_id=' "$work/head" || fail "no anonymous_id cookie"
grep -q '"anonymous":true' "$work/answer" || fail "the coto is not anonymous: $(cat "$work/answer")"
request GET '/api/cotos?limit=20'
expect 200 "anonymous timeline"
grep -q 'hello from try-containers' "$work/answer" || fail "the anonymous coto is not on the timeline"

# 2. Sign in by the mailed link, asking to keep the anonymous coto.
email="walker-$$@example.com"
request POST /api/auth/signin-requests "{\"email\":\"$email\",\"saveAnonymousCotos\":true}"
expect 202 "sign-in request"
token=""
for _ in $(seq 1 60); do
  id="$(curl -s "$mailapi/messages" | python3 -c 'import json,sys
m=[x for x in json.load(sys.stdin)["messages"] if any(t["Address"]==sys.argv[1] for t in x["To"])]
print(m[0]["ID"] if m else "")' "$email")"
  if [[ -n "$id" ]]; then
    token="$(curl -s "$mailapi/message/$id" | python3 -c 'import json,re,sys
m=re.search(r"/signin/([A-Za-z0-9_-]{43})", json.load(sys.stdin)["Text"]); print(m.group(1) if m else "")')"
    break
  fi
  sleep 1
done
[[ -n "$token" ]] || fail "no sign-in mail for $email reached the mail catcher within 60 s"
echo "ok: the sign-in mail arrived (mail-service, SMTP), with a link under $origin/signin/"
code="$(curl -s -o /dev/null -w '%{http_code}' "$url/signin/$token")"
[[ "$code" == 200 ]] || fail "the link's confirm page answered $code"
request POST /api/auth/sessions "{\"token\":\"$token\"}"
expect 201 "redeeming the link"
grep -q '"moved":1' "$work/answer" || fail "the anonymous coto was not moved: $(cat "$work/answer")"
grep -qi '^set-cookie: cotoami_session=' "$work/head" || fail "no session cookie"
session_cookie="$(grep -i '^set-cookie: cotoami_session=' "$work/head" | sed 's/^[^=]*=\([^;]*\);.*/\1/' | tr -d '\r')"
request GET /api/session
expect 200 "who am I"
grep -q "\"email\":\"$email\"" "$work/answer" || fail "not signed in as $email: $(cat "$work/answer")"

# 3. A signed-in post; the home timeline has it and the moved coto.
request POST /api/cotos '{"content":"signed in, from try-containers"}'
expect 201 "signed-in post"
grep -q '"anonymous":false' "$work/answer" || fail "the signed-in coto is anonymous: $(cat "$work/answer")"
request GET '/api/cotos?limit=20'
expect 200 "home timeline"
grep -q 'signed in, from try-containers' "$work/answer" && grep -q 'hello from try-containers' "$work/answer" \
  || fail "the home timeline lacks the new or the moved coto: $(head -c 600 "$work/answer")"

# 4. Sign out: the session is revoked everywhere, so the old cookie no longer posts.
request POST /api/auth/signout
expect 204 "sign-out"
request GET /api/session
grep -q '"anonymous":true' "$work/answer" || fail "still signed in after sign-out: $(cat "$work/answer")"
revoked=""
for _ in $(seq 1 10); do
  code="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: cotoami_session=$session_cookie" \
    -H 'Content-Type: application/json' -H "Origin: $origin" --data '{"content":"after sign-out"}' "$url/api/cotos")"
  [[ "$code" == 401 ]] && { revoked=1; break; }
  sleep 1
done
[[ -n "$revoked" ]] || fail "the signed-out session still posts ($code)"
echo "ok: the signed-out session's cookie is refused (401)"

# 5. A rolling replacement of coto-service under steady requests, one instance after the other
#    (so the browser's pinned instance is among them, whichever it is): SIGTERM (podman stop,
#    which waits up to stop_grace_period), then the container starts again (a new JVM and
#    instance id), ready before the next one goes. Meanwhile a browser reads and posts without
#    pause. No request may fail.
if [[ -z "${SKIP_ROLL:-}" ]]; then
  : >"$work/statuses"
  touch "$work/running"
  (
    jar="$work/roll-jar"
    for i in $(seq 1 3000); do
      [[ -f "$work/running" ]] || break
      # A post every 5th round, rounds paced at 0.1 s: under ANONYMOUS_WRITE_LIMIT (120 a minute).
      ((i % 5 == 0)) && curl -s -o /dev/null -w '%{http_code}\n' -m 20 -b "$jar" -c "$jar" -H 'Content-Type: application/json' \
        -H "Origin: $origin" --data "{\"content\":\"roll $i\"}" "$url/api/cotos" >>"$work/statuses"
      curl -s -o /dev/null -w '%{http_code}\n' -m 20 -b "$jar" -c "$jar" "$url/api/cotos?limit=5" >>"$work/statuses"
      sleep 0.1   # pacing, not waiting for anything
    done
  ) &
  load=$!
  sleep 3
  for c in coto-service-1 coto-service-2; do
    name="${project}_${c}_1"
    echo "== rolling $c: podman stop (SIGTERM, drain), then start"
    podman stop -t 35 "$name" >/dev/null
    echo "   stopped with exit code $(podman inspect "$name" --format '{{.State.ExitCode}}')"
    podman start "$name" >/dev/null
    until podman exec "$name" java -XX:-UsePerfData -Xmx16m -cp /opt/healthcheck HealthCheck /health/ready >/dev/null 2>&1; do
      ((SECONDS > deadline + 300)) && fail "$c did not come back ready"
      sleep 2
    done
    echo "   $c is ready again"
    sleep 5   # its next announcements reach the gateway; requests go on meanwhile
  done
  rm -f "$work/running"
  wait "$load" || true
  total="$(wc -l <"$work/statuses")"
  failed="$(grep -cv '^20[01]$' "$work/statuses" || true)"
  echo "rolling replacement: $total requests, $failed failed (by status:$(sort "$work/statuses" | uniq -c | tr -s ' \n' ' '))"
  ((failed == 0)) || fail "requests failed during the roll"
fi
rm -rf "$work"
echo "try-containers: passed"
