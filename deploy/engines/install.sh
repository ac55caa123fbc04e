#!/usr/bin/env bash
# Installs the real engines the distributed mode is tested against, on loopback:
# - Tansu, a Kafka-protocol broker written in Rust, with SQLite storage (cargo install; ~12 min cold);
# - Debian's clickhouse-server;
# - the build dependencies of the vendored librdkafka (cmake, libcurl, libsasl2).
# Safe to run again: skips what is already installed.
set -euo pipefail
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
TANSU_VERSION=0.6.0

need=()
command -v cmake >/dev/null 2>&1 || need+=(cmake)
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || need+=(libcurl4-openssl-dev)
dpkg -s libsasl2-dev >/dev/null 2>&1 || need+=(libsasl2-dev)
command -v clickhouse-server >/dev/null 2>&1 || command -v clickhouse >/dev/null 2>&1 || need+=(clickhouse-server clickhouse-client)
if [ ${#need[@]} -gt 0 ]; then
  echo "apt: installing ${need[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  # The package starts a system-wide server on some systems; the tests run their own.
  $SUDO systemctl disable --now clickhouse-server >/dev/null 2>&1 || true
fi

if ! command -v tansu >/dev/null 2>&1 || ! tansu --version 2>/dev/null | grep -q "$TANSU_VERSION"; then
  echo "cargo: installing tansu $TANSU_VERSION (takes about 12 minutes the first time)"
  cargo install --locked tansu --version "$TANSU_VERSION" --features libsql
fi
echo "engines installed: $(command -v tansu) $(command -v clickhouse-server || command -v clickhouse)"
