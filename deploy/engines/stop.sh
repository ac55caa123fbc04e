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
  # A listener the pid file did not name (a start that lost its pid file): stop it too, so that
  # "stopped" means the port is closed.
  port="$SOI_KAFKA_PORT"; name=tansu
  [ "$e" = kafka ] || { port="$SOI_CLICKHOUSE_HTTP_PORT"; name=clickhouse; }
  for _ in $(seq 1 100); do
    stray="$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o "\"$name[^\"]*\",pid=[0-9]*" | grep -o '[0-9]*$' | head -1 || true)"
    [ -n "$stray" ] || break
    echo "$e: stopping pid $stray still listening on port $port" >&2
    kill "$stray" 2>/dev/null || true
    sleep 0.2
    kill -0 "$stray" 2>/dev/null && kill -9 "$stray" 2>/dev/null || true
  done
done
[ "$wipe" -eq 0 ] || rm -rf "$SOI_ENGINES_DIR"
