#!/usr/bin/env bash
# Stops the loopback test engines: `stop.sh [kafka] [clickhouse]` (both by default). Data stays in
# $SOI_ENGINES_DIR, so a later start.sh resumes with it; `stop.sh --wipe` also deletes it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/env.sh"
wipe=0; which=()
for a in "$@"; do
  case "$a" in --wipe) wipe=1 ;; *) which+=("$a") ;; esac
done
[ ${#which[@]} -gt 0 ] || which=(kafka clickhouse)
for e in "${which[@]}"; do
  pid="$SOI_ENGINES_DIR/$e.pid"
  if [ -f "$pid" ]; then
    p="$(cat "$pid")"
    if kill "$p" 2>/dev/null; then
      for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$p" 2>/dev/null || true
    fi
    rm -f "$pid"
    echo "$e stopped"
  fi
done
[ "$wipe" -eq 0 ] || rm -rf "$SOI_ENGINES_DIR"
