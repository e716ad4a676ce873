#!/usr/bin/env bash
# Installs what the test suite needs and a fresh Debian machine may lack: a JDK 17, Maven, the
# headless Chromium and its chromedriver (browser-tests), and the load generators the benchmark
# smoke test drives (wrk, pgbench, nginx, taskset), and docker-compose 1.29 for the compose check. Only what is missing is installed.
# Both .ci/run and the delivery workflow's verify job (.github/workflows/deliver.yml) call it, so
# CI and CD test on the same tools. Needs root (apt-get) when something is missing.
set -euo pipefail

need_apt=()
if ! command -v java >/dev/null 2>&1 || ! java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])'; then
  need_apt+=(openjdk-17-jdk-headless)
fi
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
# The browser tests (browser-tests/) drive Debian's headless Chromium through its chromedriver.
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/bin/chromedriver ] || need_apt+=(chromium-driver)
# The benchmark smoke test (bench-harness) drives real load generators: wrk, pgbench, nginx.
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
command -v pgbench >/dev/null 2>&1 || need_apt+=(postgresql-client)
command -v nginx >/dev/null 2>&1 || need_apt+=(nginx-light)
command -v taskset >/dev/null 2>&1 || need_apt+=(util-linux)
# deploy-checks' ComposeToolsTest reads docker-compose.yml with docker-compose 1.29 (Debian's; a
# few MB of Python). podman-compose needs podman itself, so it is left to machines that have it.
command -v docker-compose >/dev/null 2>&1 || need_apt+=(docker-compose)
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "Installing: ${need_apt[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}"
fi
# deploy-checks render k8s/ with kubectl's kustomize (1.27 or later: components); Debian's own
# kubernetes-client is too old, so it is not installed here: the machine or the workflow brings it.
command -v kubectl >/dev/null 2>&1 || echo "install-tools: no kubectl on PATH; deploy-checks will fail under CI=true" >&2

java -version
mvn -version
