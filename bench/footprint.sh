#!/usr/bin/env bash
# Footprint of `instance serve` on SQLite: binary size, restart on an existing database to the
# first 200 on /healthz, and resident memory a few seconds after start-up (idle).
#   bash bench/footprint.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/instance" ./cmd/instance
go build -ldflags='-s -w' -o "$dir/instance-stripped" ./cmd/instance
echo "binary_bytes=$(stat -c %s "$dir/instance") stripped_bytes=$(stat -c %s "$dir/instance-stripped")"
export GUILDHALL_DB="sqlite:$dir/g.db" GUILDHALL_MEDIA_DIR="$dir/media" GUILDHALL_LISTEN=127.0.0.1:18089 GUILDHALL_LOG_LEVEL=warn
"$dir/instance" migrate >/dev/null 2>&1 # first start: creates and migrates the database
for i in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  "$dir/instance" serve 2>/dev/null &
  pid=$!
  until curl -sf -o /dev/null http://127.0.0.1:18089/healthz; do sleep 0.002; done
  end=$(date +%s%N)
  sleep 3
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  echo "run $i: restart_to_healthz_ms=$(( (end - start) / 1000000 )) idle_rss_kib=$rss"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
