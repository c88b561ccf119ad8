#!/usr/bin/env bash
# Measures a real Guildhall instance from outside with ../shared/tools/apbench, the way the
# product's goals are judged: inbox throughput, fan-out to fake remote followers that verify every
# signature, home-timeline latency, and the machine's RSA ceiling. Loopback only.
#
#   bash bench/apbench.sh [sqlite|postgres] [crypto inbox fanout fanout-distinct timeline]
#
# Needs root (binds port 80 on 127.0.1.1 and adds *.test names to /etc/hosts).
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${1:-sqlite}; shift || true
steps=${*:-crypto inbox fanout fanout-distinct timeline}
out=${BENCH_OUT:-/tmp/guildhall-bench}
mkdir -p "$out"
shared=${SHARED:-../shared}

go build -o "$out/instance" ./cmd/instance
(cd "$shared/tools/apbench" && go build -o "$out/apbench" .)
ab="$out/apbench"

add_host() { grep -q " $2\$" /etc/hosts || echo "$1 $2" >> /etc/hosts; }
add_host 127.0.1.1 council-a.test
add_host 127.0.0.9 remote.test
"$ab" hosts -hosts 50 -base-ip 127.0.0.10 -domain fanout.test | while read -r ip name; do add_host "$ip" "$name"; done

fresh_db() {
  case "$engine" in
    sqlite) db="sqlite:$out/bench.db"; rm -rf "$out"/bench.db* "$out/media" ;;
    postgres)
      psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE IF EXISTS guildhall_bench' test
      psql -h 127.0.0.1 -U postgres -qc 'CREATE DATABASE guildhall_bench' test
      db="postgres://postgres@127.0.0.1:5432/guildhall_bench?sslmode=disable" ;;
    *) echo "engine must be sqlite or postgres"; exit 2 ;;
  esac
}

pid=
stop_server() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; pid=; fi; }
trap stop_server EXIT

# start_server gives each step a fresh database and server, so no step measures another's
# leftovers (a fan-out step leaves 1,000 remote followers whose deliveries would load the next).
start_server() {
  stop_server
  fresh_db
  export GUILDHALL_DB="$db" GUILDHALL_HOST=council-a.test GUILDHALL_LISTEN=127.0.1.1:80 \
    GUILDHALL_INSECURE_HTTP=true GUILDHALL_ALLOW_PRIVATE_NETWORKS=true GUILDHALL_LOG_LEVEL=warn \
    GUILDHALL_API_RATE_LIMIT=0 GUILDHALL_MEDIA_DIR="$out/media" GUILDHALL_DEBUG_LISTEN=127.0.0.1:6060
  "$out/instance" admin create-user --username alice --email alice@council-a.test --password 'bench password 1' >/dev/null
  "$out/instance" admin token --username alice > "$out/token"
  "$out/instance" serve 2> "$out/server-$step.log" &
  pid=$!
  until curl -sf -o /dev/null http://council-a.test/healthz; do sleep 0.05; done
}

for step in $steps; do
  echo "== $step ($engine)"
  [ "$step" = crypto ] || start_server
  case "$step" in
    crypto) "$ab" crypto -duration 3s ;;
    inbox) "$ab" inbox -target http://council-a.test -to-actor alice -from remote.test \
             -token-file "$out/token" -concurrency 16 -duration 20s -presign 80000 -target-pid "$pid" ;;
    fanout) "$ab" fanout -target http://council-a.test -token-file "$out/token" -followers 1000 \
             -hosts 50 -posts 3 -target-pid "$pid" ;;
    fanout-distinct) "$ab" fanout -target http://council-a.test -token-file "$out/token" -followers 1000 \
             -hosts 50 -shared-inbox=false -posts 3 -target-pid "$pid" ;;
    timeline) "$ab" timeline -target http://council-a.test -token-file "$out/token" -requests 20000 \
             -concurrency 4 -seed 1000 -target-pid "$pid" ;;
  esac 2>>"$out/apbench.log" | tee -a "$out/results-$engine.txt"
done
