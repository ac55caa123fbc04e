#!/usr/bin/env bash
# The README's first command: installs what is needed, builds soi, and runs the whole pipeline on
# the bundled demo marketplace with the embedded defaults (no servers). State goes to ./var/.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
cargo build --release --locked -p soi-cli
exec target/release/soi run "$@"
