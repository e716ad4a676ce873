#!/usr/bin/env bash
# The benchmark suite: every item against a reference measured in the same run, on loopback.
#
#   ./cotoami bench                    # everything (up to about 15 minutes), writes docs/benchmarks.md
#   ./cotoami bench fanout,startup     # some items: post, fanout, search, connections, proxy, eventbus, startup
#   PIN=0 ./cotoami bench              # nothing pinned (default: servers on core 0, loaders on core 1)
#   BENCH_OUTPUT=/tmp/b.md ./cotoami bench
#   BENCH_LOG_LEVEL=WARN ./cotoami bench  # services log at another level (default: theirs, INFO, JSON lines)
#
# The run checks its pinning from /proc/<pid>/status (PostgreSQL's whole tree included) and fails when a
# process is not where it should be; the post path and the proxy targets warm up until two rounds differ
# by under 10 % (capped; PROXY_WARMUP_ROUNDS for item 4).
#
# Needs a JDK 17+, Maven, and from Debian: wrk, nginx (nginx-light is enough), pgbench
# (postgresql-client), taskset (util-linux), python3, curl. BENCH_INSTALL=1 installs the missing
# ones with apt-get (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
all="post,fanout,search,connections,proxy,eventbus,startup"
items="${1:-$all}"
out="${BENCH_OUTPUT:-docs/benchmarks.md}"
pin="${PIN:-1}"
work="$(mktemp -d /tmp/cotoami-bench-XXXXXX)"
say() { echo "bench          | $*" >&2; }
started=$(date +%s)

missing=()
for tool in wrk:wrk nginx:nginx-light pgbench:postgresql-client taskset:util-linux python3:python3 curl:curl; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "${BENCH_INSTALL:-0}" = 1 ]; then
    say "installing ${missing[*]}"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  else
    say "missing: ${missing[*]} (apt-get install ${missing[*]}, or BENCH_INSTALL=1 ./cotoami bench)"; exit 2
  fi
fi
# Item 3 counts connections up to the open-file limit: take the hard limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
say "open-file limit: $(ulimit -n) (hard $(ulimit -Hn))"

jar=bench-harness/target/bench-harness.jar
if [ ! -f "$jar" ] || [ ! -f dev-stack/target/dev-stack.jar ] \
   || [ -n "$(find pom.xml ./*/pom.xml ./*/src/main -newer "$jar" -print -quit 2>/dev/null)" ]; then
  say "building the services and the harness (mvn -q -DskipTests package -pl bench-harness -am)"
  mvn -q -B -DskipTests package -pl bench-harness -am
fi

if [ "$pin" = 1 ]; then loader="taskset -c 1"; pinning="servers (services, PostgreSQL, Redis, references) on core 0, loaders (harness JVM, wrk, pgbench) on core 1";
else loader=""; pinning="nothing pinned"; fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

harness_items=$(echo "$items" | tr ',' '\n' | grep -v '^proxy$' | paste -sd, - || true)
if [ -n "$harness_items" ]; then
  say "harness items: $harness_items ($pinning); logs in $work/harness/work"
  PIN="$pin" COTOAMI_HOME="$root" $loader java -Xmx2g -XX:+UseParallelGC -jar "$jar" run "$harness_items" \
    --out "$work/harness" 2>&1 | tee "$work/harness.log" | grep --line-buffered -E '^bench ' >&2 \
    || { say "the harness failed: see $work/harness.log and the logs in $work/harness/work"; exit 1; }
fi
if echo "$items" | tr ',' '\n' | grep -qx proxy; then
  say "item 4: gateway proxy with affinity (bench/proxy.sh, PIN=${PROXY_PIN:-0})"
  PIN="${PROXY_PIN:-0}" DURATION="${PROXY_DURATION:-4}" WARMUP="${PROXY_WARMUP:-6}" WARMUP_MAX_ROUNDS="${PROXY_WARMUP_ROUNDS:-10}" ROUNDS=3 \
    BENCH_OUTPUT="$work/proxy.md" bench/proxy.sh > "$work/proxy-table.txt"
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
elapsed=$(( $(date +%s) - started ))

python3 - "$work" "$out" "$pinning" "$load_before" "$load_after" "$elapsed" "$items" <<'PY'
import math, os, re, subprocess, sys, datetime
work, out, pinning, load_before, load_after, elapsed, items = sys.argv[1:]
def sh(cmd):
    try: return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip() or subprocess.run(cmd, shell=True, capture_output=True, text=True).stderr.strip()
    except Exception: return "unknown"
def read(path):
    return open(path).read() if os.path.exists(path) else ""
summary = read(f"{work}/harness/summary.md").strip().splitlines()
rows = summary[2:] if len(summary) > 2 else []
sections = read(f"{work}/harness/sections.md")
problems = read(f"{work}/harness/problems.md").strip()
proxy = read(f"{work}/proxy.md")
if proxy:
    proxy = "## 4. Gateway proxy with affinity" + proxy.split("## Gateway proxy with affinity", 1)[1]
    table = {}
    for line in proxy.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 7 and re.match(r"^[\d.]+$", cells[1] or "x"):
            table[cells[0]] = cells
    direct = table.get("direct to one mail-service instance")
    for name, label in (("gateway, route cookie", "gateway, route cookie"), ("nginx, cookie-hash stickiness", "nginx, cookie-hash stickiness")):
        t = table.get(name)
        if t and direct:
            rows.append(f"| 4. proxy | {label}: requests/s | {t[1]} /s | direct to the instance | {direct[1]} /s | {float(t[1])/float(direct[1]):.2f} |")
            rows.append(f"| 4. proxy | {label}: p99 | {t[3]} ms | direct to the instance | {direct[3]} ms | {float(t[3])/float(direct[3]):.2f} |")
goals = read(f"{work}/harness/goals.md").strip().splitlines()
if proxy and table.get("gateway, route cookie") and table.get("nginx, cookie-hash stickiness"):
    gw, ng = table["gateway, route cookie"], table["nginx, cookie-hash stickiness"]
    for i, line in enumerate(goals):
        for label, col, better in (("requests/s", 1, "higher"), ("p99", 3, "lower")):
            if line.startswith(f"| 2. proxy with affinity: {label} |"):
                ratio = float(gw[col]) / float(ng[col])
                met = ratio >= 1.0 if better == "higher" else ratio <= 1.0
                unit = "/s" if col == 1 else "ms"
                bound = "≥ 1.0× nginx" if col == 1 else "≤ 1.0× nginx"
                goals[i] = (f"| 2. proxy with affinity: {label} | gateway (route cookie) against nginx (cookie hash) | "
                            f"{gw[col]} {unit} / {ng[col]} {unit} | {ratio:.2f} | {bound} | **{'met' if met else 'not met'}** |")
def order(row):
    return row.split("|")[1].strip()
rows.sort(key=lambda r: order(r)[:2])
furthest = None
for row in rows:
    cells = [c.strip() for c in row.strip("|").split("|")]
    try:
        ratio = float(cells[5])
    except ValueError:
        continue
    if math.isfinite(ratio) and ratio > 0 and (furthest is None or abs(math.log(ratio)) > furthest[0]):
        furthest = (abs(math.log(ratio)), cells)
header = "| item | measurement | value | reference | reference value | ratio |\n|---|---|---|---|---|---|\n"
table = header + "\n".join(rows) + "\n"
print(table)
cpu = sh("lscpu | sed -n 's/^Model name:[ ]*//p' | head -1")
mem = sh("awk '/MemTotal/ {printf \"%.0f GiB\", $2/1048576}' /proc/meminfo")
java = sh("java -version 2>&1 | head -1")
commit = sh("git rev-parse HEAD")
dirty = " (with uncommitted changes)" if sh("git status --porcelain -- . ':!docs/benchmarks.md'") else ""
doc = f"""# Benchmarks

Written by `./cotoami bench` (`bench/run.sh`; items: `{items}`) in {int(elapsed)//60} min {int(elapsed)%60} s.

- **Machine**: {cpu}, {os.cpu_count()} cores, {mem} RAM, Linux {sh("uname -r")}, {java}
- **Date**: {datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}; **commit** `{commit}`{dirty}
- **Load average** (1, 5, 15 min) before: {load_before}; after: {load_after}. {os.environ.get("BENCH_NOTE", "")}
- **Pinning**: {pinning} (item 4: see its section); checked in the run from `/proc/<pid>/status` (Run settings below).
- **Logging**: the services' default level (INFO) unless `BENCH_LOG_LEVEL` says otherwise (see Run settings).

Everything runs on loopback in one run; each figure is given with its reference measured in the same run
and the ratio value / reference (for times and memory, above 1 is worse; for rates, below 1 is worse).
The system runs as real processes: the service jars, each its own JVM with the flags the images and the dev stack use
(`docker/jvm.options`, `docker/jvm-local.options`, plus `BENCH_JAVA_OPTS`; the references too), clustered over Hazelcast on loopback, on embedded PostgreSQL 17 and Redis, started by the
harness (`bench-harness/`, `java -jar bench-harness/target/bench-harness.jar run <items>`); sessions are
ES256 tokens minted with the stack's own key pair, as auth-service signs them.

## Goals (issue 17)

Each goal of issue 17 judged from this run's figures (the ratio is the one the goal bounds; for absolute
bounds, value / bound). "not measured" says why there is no figure.

{chr(10).join(goals)}

## Summary

{table}
"""
if furthest:
    c = furthest[1]
    doc += f"Furthest from its reference in this run: **{c[0]}, {c[1]}**: {c[2]} against {c[4]} ({c[3]}), ratio {c[5]}.\n\n"
if problems:
    doc += "**What went wrong while measuring** (the figures these touch are suspect):\n\n" + problems + "\n\n"
doc += sections + ("\n" + proxy if proxy else "")
reading = read("bench/reading.md")
if reading:
    doc += "\n" + reading
os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
open(out, "w").write(doc)
PY
say "wrote $out in $((elapsed / 60)) min $((elapsed % 60)) s (work files in $work)"
