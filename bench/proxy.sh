#!/usr/bin/env bash
# The gateway's proxy with cookie affinity, against the same instances called directly and
# against nginx doing cookie-hash stickiness in front of them. All on loopback, in one run;
# every figure is also given as a ratio to the direct call measured in the same run.
#
#   bench/proxy.sh            # 10 s per target
#   DURATION=3 bench/proxy.sh # shorter
#
# Needs wrk and nginx (Debian: apt-get install wrk nginx-light). PIN=1 puts the servers on core 0
# and wrk on core 1; by default nothing is pinned (see docs/benchmarks.md for why).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
duration="${DURATION:-10}"
warmup="${WARMUP:-15}"
# Warm-up rounds of ${warmup}s per target until two successive ones differ by under 10 %, at most this many.
warmup_rounds="${WARMUP_MAX_ROUNDS:-10}"
connections="${CONNECTIONS:-32}"
out="${BENCH_OUTPUT:-docs/benchmarks.md}"
rounds="${ROUNDS:-3}"
if [ "${PIN:-0}" = 1 ]; then on_servers="taskset -c 0"; on_loader="taskset -c 1"; pinning="servers on core 0, wrk on core 1";
else on_servers=""; on_loader=""; pinning="nothing pinned: servers and wrk share both cores"; fi
work="$(mktemp -d /tmp/cotoami-bench-XXXXXX)"
say() { echo "bench          | $*" >&2; }

for tool in wrk nginx taskset python3 curl; do
  command -v "$tool" >/dev/null || { say "missing $tool (apt-get install wrk nginx-light util-linux)"; exit 2; }
done
[ -f dev-stack/target/dev-stack.jar ] || ./cotoami build

# N distinct free ports: every socket stays bound until all are picked, since the kernel hands a
# port just closed out again (two services drawing one port made the launcher refuse to start).
free_ports() { python3 -c '
import socket, sys
held = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in held: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in held))' "$1"; }
free_port() { free_ports 1; }
read -r gateway_port pg_port redis_port smtp_port mail_port <<< "$(free_ports 5)"

cleanup() {
  [ -n "${nginx_pid:-}" ] && kill "$nginx_pid" 2>/dev/null || true
  [ -n "${stack_pid:-}" ] && kill -TERM "$stack_pid" 2>/dev/null && wait "$stack_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# A step that fails says which, with the system's last lines, before the work directory goes.
trap 'say "failed at line $LINENO: $BASH_COMMAND"; [ -f "$work/stack.log" ] && tail -20 "$work/stack.log" >&2' ERR

say "starting the system (two mail-service instances; $pinning); logs in $work/stack.log"
COTOAMI_HOME="$root" COTOAMI_DATA_DIR="$work/data" COTOAMI_PORT="$gateway_port" \
  COTOAMI_PG_PORT="$pg_port" COTOAMI_REDIS_PORT="$redis_port" COTOAMI_SMTP_PORT="$smtp_port" \
  COTOAMI_MAIL_PORT="$mail_port" COTOAMI_CLUSTER_NAME="bench-$$" COTOAMI_LOG_FORMAT=json LOG_LEVEL=WARN \
  COTOAMI_JAVA_OPTS="${BENCH_JAVA_OPTS:-}" \
  $on_servers java -Xmx256m -jar dev-stack/target/dev-stack.jar up --scale mail-service=2 > "$work/stack.log" 2>&1 &
stack_pid=$!
touch "$work/stack.log"
for _ in $(seq 1 600); do
  grep -q "Cotoami is up" "$work/stack.log" && break
  kill -0 "$stack_pid" 2>/dev/null || { say "the system did not start:"; tail -20 "$work/stack.log" >&2; exit 1; }
  sleep 0.5
done
grep -q "Cotoami is up" "$work/stack.log" || { say "the system did not start in time"; exit 1; }
ports=($(grep -oE "mail-service-[12] is ready on port [0-9]+" "$work/stack.log" | awk '{print $NF}'))
say "mail-service instances on ports ${ports[*]}; gateway on $gateway_port"

nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream instances {
    hash \$cookie_bench_route consistent;
    server 127.0.0.1:${ports[0]};
    server 127.0.0.1:${ports[1]};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://instances;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
CONF
$on_servers nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!

cookie=$(curl -s -o /dev/null -c - "http://127.0.0.1:$gateway_port/api/debug/mail-service" \
  | awk '$6 == "cotoami_route_mail_service" {print $7}')
[ -n "$cookie" ] || { say "the gateway gave no route cookie"; exit 1; }
pinned_port=$(curl -s -b "cotoami_route_mail_service=$cookie" "http://127.0.0.1:$gateway_port/api/debug/mail-service" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["instanceId"])')
say "the gateway's cookie pins instance $pinned_port"

# wrk → "requests/s p50_ms p99_ms errors"
measure() {
  local name=$1 url=$2 header=$3
  say "measuring $name for ${duration}s: $url"
  $on_loader wrk -t1 -c"$connections" -d"${duration}s" --latency -H "$header" "$url" > "$work/$name.txt" 2>&1
  python3 - "$work/$name.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(value):
    found = re.match(r"([\d.]+)(us|ms|s|m)$", value)
    if not found:
        sys.exit("cannot read wrk's output:\n" + text)
    number, unit = found.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
failed = (int(errors.group(1)) if errors else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
print(f"{rps:.0f} {p50:.2f} {p99:.2f} {failed}")
PY
}

# The JVMs compile their hot paths in the first seconds (on the same core as everything else):
# warm every target before measuring any, in rounds, until two successive rounds differ by under 10 %.
rate() { python3 -c 'import re,sys; m=re.search(r"Requests/sec:\s+([\d.]+)", open(sys.argv[1]).read()); print(m.group(1) if m else 0)' "$1"; }
steady() { python3 -c 'import sys; a,b=map(float,sys.argv[1:]); print(1 if abs(a-b) < 0.1*max(a,b) else 0)' "$1" "$2"; }
warm_notes=""
for target in "direct|http://127.0.0.1:${ports[0]}/debug|X-Bench: warmup" \
              "gateway|http://127.0.0.1:$gateway_port/api/debug/mail-service|Cookie: cotoami_route_mail_service=$cookie" \
              "nginx|http://127.0.0.1:$nginx_port/debug|Cookie: bench_route=client-1"; do
  IFS='|' read -r name url header <<< "$target"
  previous=""; seen=""; state="not steady (cap of $warmup_rounds rounds)"
  for n in $(seq 1 "$warmup_rounds"); do
    $on_loader wrk -t1 -c"$connections" -d"${warmup}s" -H "$header" "$url" > "$work/warmup-$name.txt" 2>&1 || true
    r=$(rate "$work/warmup-$name.txt")
    seen="$seen $r"
    if [ -n "$previous" ] && [ "$(steady "$previous" "$r")" = 1 ]; then state="steady"; break; fi
    previous=$r
  done
  say "warm-up of $name, requests/s per ${warmup}s round (the first cold):$seen; $state"
  warm_notes+="- $name: requests/s per warm-up round (the first is cold):$seen; $state"$'\n'
done

median() { python3 -c 'import statistics,sys; v=[float(x) for x in sys.argv[1:]]; print(f"{statistics.median(v):.2f}")' "$@"; }
declare -A results
for round in $(seq 1 "$rounds"); do
  say "round $round of $rounds"
  results[direct]+="$(measure direct "http://127.0.0.1:${ports[0]}/debug" "X-Bench: direct");"
  results[gateway]+="$(measure gateway "http://127.0.0.1:$gateway_port/api/debug/mail-service" "Cookie: cotoami_route_mail_service=$cookie");"
  results[nginx]+="$(measure nginx "http://127.0.0.1:$nginx_port/debug" "Cookie: bench_route=client-1");"
done
# Each target's median over the rounds, per column: requests/s, p50, p99, failed (summed).
summary() {
  local runs=$1 column values=()
  for column in 1 2 3; do
    values=()
    IFS=';' read -ra rows <<< "$runs"
    for row in "${rows[@]}"; do [ -n "$row" ] && values+=("$(echo "$row" | cut -d' ' -f$column)"); done
    printf '%s ' "$(median "${values[@]}")"
  done
  failed=0
  for row in "${rows[@]}"; do [ -n "$row" ] && failed=$((failed + $(echo "$row" | cut -d' ' -f4))); done
  echo "$failed"
}
direct=($(summary "${results[direct]}"))
gateway=($(summary "${results[gateway]}"))
nginx=($(summary "${results[nginx]}"))

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
cpu=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
table=$(cat <<TABLE
| target | requests/s | p50 ms | p99 ms | failed | throughput vs direct | p99 vs direct |
|---|---|---|---|---|---|---|
| direct to one mail-service instance | ${direct[0]} | ${direct[1]} | ${direct[2]} | ${direct[3]} | 1.00 | 1.00 |
| gateway, route cookie | ${gateway[0]} | ${gateway[1]} | ${gateway[2]} | ${gateway[3]} | $(ratio "${gateway[0]}" "${direct[0]}") | $(ratio "${gateway[2]}" "${direct[2]}") |
| nginx, cookie-hash stickiness | ${nginx[0]} | ${nginx[1]} | ${nginx[2]} | ${nginx[3]} | $(ratio "${nginx[0]}" "${direct[0]}") | $(ratio "${nginx[2]}" "${direct[2]}") |
TABLE
)
echo "$table"
mkdir -p "$(dirname "$out")"
cat > "$out" <<DOC
# Benchmarks

Written by \`./cotoami bench\` (\`bench/proxy.sh\`) on $(nproc) cores ($cpu), $(date -u +%Y-%m-%d),
commit $commit. Everything runs on loopback in one run, and every figure is also given as a
ratio to its reference measured in the same run, so a noisy machine shifts all of them alike.

## Gateway proxy with affinity

The system is started by \`./cotoami up --scale mail-service=2\`; the request is the
http-debug-server's \`GET /debug\` (a JSON echo of the request, about 1 KB), so the figures
measure the proxy path, not a database. wrk, 1 thread, ${connections} connections; warm-up per target
in rounds of ${warmup}s until two successive rounds differ by under 10 % (at most ${warmup_rounds}), then
${rounds} rounds of ${duration}s per target, interleaved; the table gives each target's median over the
rounds (failed: the sum). Pinning: ${pinning}.

${warm_notes}
$table

Commands (ports are free ones picked by the script):

\`\`\`sh
$on_loader wrk -t1 -c${connections} -d${duration}s --latency http://127.0.0.1:<instance>/debug
$on_loader wrk -t1 -c${connections} -d${duration}s --latency -H 'Cookie: cotoami_route_mail_service=<cookie>' http://127.0.0.1:<gateway>/api/debug/mail-service
$on_loader wrk -t1 -c${connections} -d${duration}s --latency -H 'Cookie: bench_route=client-1' http://127.0.0.1:<nginx>/debug
# nginx: upstream { hash \$cookie_bench_route consistent; server <instance 1>; server <instance 2>; keepalive 64; }
\`\`\`

**Reading it.** The gateway and nginx each add one hop in front of the same instance. On this
2-core machine the hop is paid on the same cores the instance uses, so the ratios are the cost
of the hop on a saturated machine, not of a network. With \`PIN=1\` (servers on core 0, wrk on
core 1) the gateway path falls far behind (four JVMs, PostgreSQL and Redis on one core: the
gateway-to-instance round trip waits for the scheduler), which is why the default leaves the
cores unpinned.
DOC
say "wrote $out"
