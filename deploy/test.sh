#!/usr/bin/env bash
# The README's second command: installs what is needed and runs the whole test suite, then the
# format and lint checks. Set SOI_REQUIRE_DATA=1 to make tests that need ../shared/data fail
# (instead of skip) when it is absent; CI does.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
export SOI_SHARED_DATA="${SOI_SHARED_DATA:-$(pwd)/../shared/data}"
echo "== cargo test (workspace)"
cargo test --workspace --locked 2>&1
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== all checks passed"
