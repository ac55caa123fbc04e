#!/usr/bin/env bash
# Starts the test engines on loopback: `start.sh [kafka] [clickhouse]` (both by default).
# State (data, logs, pid files) lives in $SOI_ENGINES_DIR (default /tmp/soi-engines); starting an
# engine that is already running does nothing. Waits until each engine answers.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/env.sh"
mkdir -p "$SOI_ENGINES_DIR"
which=("$@"); [ ${#which[@]} -gt 0 ] || which=(kafka clickhouse)

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_port() { # name port seconds
  for _ in $(seq 1 $(( $3 * 10 ))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$1 did not open port $2 within $3s; see $SOI_ENGINES_DIR/$1.log" >&2
  tail -20 "$SOI_ENGINES_DIR/$1.log" >&2 || true
  return 1
}

start_kafka() {
  local pid="$SOI_ENGINES_DIR/kafka.pid"
  running "$pid" && return 0
  command -v tansu >/dev/null || { echo "tansu not installed: run deploy/engines/install.sh" >&2; exit 1; }
  local url="tcp://127.0.0.1:${SOI_KAFKA_PORT}"
  # Tansu reads the SQLite path relative to its working directory.
  (cd "$SOI_ENGINES_DIR" && exec nohup tansu broker --listener-url "$url" \
    --advertised-listener-url "$url" --storage-engine "sqlite://kafka.db" \
    >>"$SOI_ENGINES_DIR/kafka.log" 2>&1) &
  echo $! >"$pid"
  wait_port kafka "$SOI_KAFKA_PORT" 30
  echo "kafka (tansu) on 127.0.0.1:${SOI_KAFKA_PORT}"
}

start_clickhouse() {
  local pid="$SOI_ENGINES_DIR/clickhouse.pid" dir="$SOI_ENGINES_DIR/clickhouse"
  running "$pid" && return 0
  local server; server="$(command -v clickhouse-server || true)"
  [ -n "$server" ] || { echo "clickhouse-server not installed: run deploy/engines/install.sh" >&2; exit 1; }
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas" "$dir/log"
  cat >"$dir/users.xml" <<XML
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
  cat >"$dir/config.xml" <<XML
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/error.log</errorlog></logger>
  <http_port>${SOI_CLICKHOUSE_HTTP_PORT}</http_port>
  <tcp_port>${SOI_CLICKHOUSE_TCP_PORT}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>536870912</mark_cache_size>
  <timezone>UTC</timezone>
</yandex>
XML
  nohup "$server" --config-file="$dir/config.xml" >>"$SOI_ENGINES_DIR/clickhouse.log" 2>&1 &
  echo $! >"$pid"
  wait_port clickhouse "$SOI_CLICKHOUSE_HTTP_PORT" 60
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:${SOI_CLICKHOUSE_HTTP_PORT}/ping" >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "clickhouse on 127.0.0.1:${SOI_CLICKHOUSE_HTTP_PORT}"
}

for e in "${which[@]}"; do
  case "$e" in
    kafka) start_kafka ;;
    clickhouse) start_clickhouse ;;
    *) echo "unknown engine $e (kafka, clickhouse)" >&2; exit 2 ;;
  esac
done
