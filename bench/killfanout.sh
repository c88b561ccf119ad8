#!/usr/bin/env bash
# kill -9 during fan-out: the real instance binary, FOLLOWERS fake remote followers on HOSTS fake
# hosts (listeners on 127.0.0.1, each its own host), KILLS posts each interrupted by SIGKILL
# mid-fan-out and restarted. Checks that every inbox got every post under one activity id and
# prints deliveries, duplicates and time from restart to the last inbox reached.
# Usage: bash bench/killfanout.sh [FOLLOWERS [KILLS [HOSTS]]]   (default 10000 20 50)
set -euo pipefail
cd "$(dirname "$0")/.."
export GUILDHALL_TEST_KILLFANOUT=1
export GUILDHALL_KILLFANOUT_FOLLOWERS="${1:-10000}"
export GUILDHALL_KILLFANOUT_KILLS="${2:-20}"
export GUILDHALL_KILLFANOUT_HOSTS="${3:-50}"
export GUILDHALL_KILLFANOUT_TIMEOUT_MINUTES="${GUILDHALL_KILLFANOUT_TIMEOUT_MINUTES:-60}"
exec go test -count=1 -v -timeout 70m -run '^TestKillDuringFanout$' ./bench/killfanout/
