#!/usr/bin/env bash
# Lists every third-party runtime dependency of the four services, with its resolved version, as
# the Markdown table in docs/operations.md ("Dependencies and advisories"). Run from the checkout:
#   scripts/list-dependencies.sh            # prints the table
#   scripts/list-dependencies.sh --update   # rewrites the table in docs/operations.md
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# package first: the services depend on common, which must be resolvable from the reactor.
services=(gateway coto-service auth-service mail-service)
mvn -q -B -pl "$(IFS=,; echo "${services[*]}")" -am -DskipTests package \
  dependency:list -DincludeScope=runtime -DexcludeGroupIds=io.cotoami -DoutputAbsoluteArtifactFilename=false \
  -DoutputFile=target/runtime-dependencies.txt >/dev/null
# Each module writes its own list; only the services' count (not the test-only embedded servers').
for service in "${services[@]}"; do cat "$service/target/runtime-dependencies.txt"; done > "$out/deps.txt"
table=$(
  echo "| group | artifact | version |"
  echo "|---|---|---|"
  grep -hE '^ +[^ ]+:[^ ]+:[^ ]+:[^ ]+' "$out/deps.txt" | sed -E 's/^ +//; s/ .*//' \
    | awk -F: '{ version = (NF >= 6 ? $5 : $4); print "| `" $1 "` | `" $2 "` | " version " |" }' | sort -u
)
if [[ "${1:-}" == "--update" ]]; then
  doc=docs/operations.md
  begin='<!-- dependencies:begin -->'
  end='<!-- dependencies:end -->'
  grep -q "$begin" "$doc" || { echo "no $begin marker in $doc" >&2; exit 1; }
  awk -v begin="$begin" -v end="$end" -v table="$table" '
    $0 == begin { print; print table; skipping = 1; next }
    $0 == end { skipping = 0 }
    !skipping { print }' "$doc" > "$out/doc" && mv "$out/doc" "$doc"
else
  echo "$table"
fi
