#!/usr/bin/env bash
# Installs what soi needs to build on Debian: a C compiler for the bundled SQLite, pkg-config.
# Safe to run again; skips what is already there. Needs root (or sudo) for apt.
set -euo pipefail

need=()
for pkg in gcc g++ make pkg-config; do
  command -v "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing: ${need[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq build-essential pkg-config
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo not found: install Rust (rustup) first" >&2; exit 1; }
