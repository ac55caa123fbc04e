#!/usr/bin/env bash
# Fuzzing every parser of outside input (targets in fuzz/fuzz_targets, see fuzz/README.md).
#
#   deploy/fuzz.sh smoke [SECONDS]   build every target, run each SECONDS (default 5): the test
#                                    command's check that no target crashes on its corpus.
#   deploy/fuzz.sh budget [TARGET..] run each target in turn to 10M executions or 30 minutes of
#                                    its CPU time, whichever first, under nice -n 19, one job at a
#                                    time; appends "target executions wall cpu findings" to
#                                    fuzz/budget.log, leaves crashers in fuzz/artifacts/<target>.
#                                    Each artifact is replayed once, alone and not niced: a
#                                    timeout or slow unit that came from a busy machine (libFuzzer's
#                                    timer is wall-clock) is logged as not reproduced, not counted.
#   deploy/fuzz.sh build             build only.
#
# cargo-fuzz needs nightly: `cargo +nightly` when a nightly toolchain exists, else stable with
# RUSTC_BOOTSTRAP=1. Builds go to their own target dir per sanitizer (their flags differ from a
# normal build's): SOI_FUZZ_TARGET_DIR, default ~/.cache/soi/fuzz-target. FUZZ_SANITIZER picks
# the sanitizer: `address` by default (smoke and budget share one build); `none` builds and runs
# faster where AddressSanitizer is too slow.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
mode=${1:-smoke}
shift || true

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi
if cargo +nightly --version >/dev/null 2>&1; then
    fuzz=(cargo +nightly fuzz)
else
    export RUSTC_BOOTSTRAP=1
    fuzz=(cargo fuzz)
fi

case $mode in
smoke | build | budget) san=${FUZZ_SANITIZER:-address} ;;
*)
    sed -n '2,17p' "$0" >&2
    exit 2
    ;;
esac
tdir=${SOI_FUZZ_TARGET_DIR:-$HOME/.cache/soi/fuzz-target}/$san
opts=(--fuzz-dir "$root/fuzz" --target-dir "$tdir" -s "$san")

secs_arg=
if [ "$mode" = smoke ] && [[ ${1:-} =~ ^[0-9]+$ ]]; then
    secs_arg=$1
    shift
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <("${fuzz[@]}" list --fuzz-dir "$root/fuzz")
fi

# Seeds from the repository's own files (never from labelled data), copied into an empty corpus.
seed() {
    local t=$1 c=$root/fuzz/corpus/$1
    mkdir -p "$c"
    [ -n "$(ls -A "$c")" ] && return 0
    case $t in
    html_extract) cp pipelines/demo-site/*.html pipelines/demo-site/listings/*.html \
        pipelines/demo-site/sellers/*.html "$c"/ 2>/dev/null || true ;;
    robots) cp pipelines/demo-site/robots.txt "$c"/ ;;
    marketplace_config) cp pipelines/marketplaces/*.toml "$c"/ ;;
    scoring_config) cp pipelines/scoring.toml pipelines/train.toml "$c"/ ;;
    complaint_file) printf '%s\n%s\n' 'id,received_at,channel,text,phone,amount' \
        'C1,2026-11-20 09:15,phone,"STK 19036543210011 Techcombank, zalo 0912 345 678",0901 234 567,"1.500.000đ"' >"$c/csv"
        printf '%s\n' '{"id":"C2","received_at":"21/11/2026","channel":"web","text":"chuyển khoản rồi","url":"https://shop-re.vn/x","amount":250000}' >"$c/jsonl" ;;
    checkpoint_config) printf '%s\0%s\0%s\0%s' \
        '{"model_type":"bert","vocab_size":8,"hidden_size":4,"num_hidden_layers":1,"num_attention_heads":1,"intermediate_size":8,"max_position_embeddings":8}' \
        '[{"type":"sentence_transformers.models.Pooling","path":"1_Pooling"}]' \
        '{"pooling_mode_mean_tokens":true}' '{"max_seq_length":6}' >"$c/tiny" ;;
    wacz_verify) python3 -c 'import sys, zipfile, json, hashlib
f = {"archive/data.warc": b"WARC/1.1\r\n\r\n", "pages/pages.jsonl": b"{\"format\": \"json-pages-1.0\", \"id\": \"pages\"}\n", "soi/batch-000001.sig": b"s"}
r = [{"name": p.split("/")[1], "path": p, "hash": "sha256:" + hashlib.sha256(b).hexdigest(), "bytes": len(b)} for p, b in f.items()]
d = json.dumps({"profile": "data-package", "resources": r, "created": "2026-12-02T00:00:00Z", "wacz_version": "1.1.1"}).encode()
f["datapackage.json"] = d
f["datapackage-digest.json"] = json.dumps({"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(d).hexdigest(), "soiSignature": {"algorithm": "Ed25519", "publicKey": "00", "signature": "00"}}).encode()
z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)
[z.writestr(p, b) for p, b in f.items()]' "$c/tiny.wacz" || true ;;
    esac
    # A first input for every target, so even an empty corpus starts somewhere.
    printf 'giá rẻ liên hệ zalo 0912 345 678 https://shop.vn/a 150.000đ' >"$c/text"
}

"${fuzz[@]}" build "${opts[@]}"
[ "$mode" = build ] && exit 0

if [ "$mode" = smoke ]; then
    secs=${secs_arg:-${FUZZ_SECONDS:-5}}
    for t in "${targets[@]}"; do
        seed "$t"
        echo "fuzz.sh: $t for ${secs}s" >&2
        log=$(mktemp /tmp/soi-fuzz-smoke.XXXXXX.log)
        rc=0
        "${fuzz[@]}" run "${opts[@]}" "$t" -- -max_total_time="$secs" -timeout=10 \
            -print_final_stats=1 >"$log" 2>&1 || rc=$?
        grep -E '^(Done|stat::number_of_executed_units|==|SUMMARY|thread|panicked|Failing)' "$log" || true
        # Any finding (crash, leak, timeout, out of memory) fails the smoke run.
        if [ "$rc" -ne 0 ] || compgen -G "fuzz/artifacts/$t/*" >/dev/null; then
            tail -40 "$log" >&2
            echo "fuzz.sh: $t failed (exit $rc); inputs in fuzz/artifacts/$t" >&2
            exit 1
        fi
        rm -f "$log"
    done
    exit 0
fi

# budget: each target to FUZZ_RUNS executions or FUZZ_CPU_SECONDS of its own CPU time, whichever
# first. The limit is CPU time, not wall time, so a run under nice on a busy machine still gets its
# full budget; the fuzzer is stopped with SIGINT (libFuzzer then prints its final stats).
runs=${FUZZ_RUNS:-10000000}
cpu_cap=${FUZZ_CPU_SECONDS:-1800}
tick=$(getconf CLK_TCK)
triple=$(rustc -vV | sed -n 's/^host: //p')
cpu_of() { # pid -> seconds of user+system time
    awk -v t="$tick" '{ print int(($14 + $15) / t) }' "/proc/$1/stat" 2>/dev/null || echo 0
}
for t in "${targets[@]}"; do
    seed "$t"
    log=$root/fuzz/logs/$t.log
    mkdir -p "$root/fuzz/logs" "$root/fuzz/artifacts/$t"
    start=$(date +%s)
    nice -n 19 "$tdir/$triple/release/$t" -artifact_prefix="$root/fuzz/artifacts/$t/" \
        -runs="$runs" -timeout=10 -print_final_stats=1 "$root/fuzz/corpus/$t" >"$log" 2>&1 &
    pid=$!
    cpu=0
    while kill -0 "$pid" 2>/dev/null; do
        sleep 5
        c=$(cpu_of "$pid")
        [ "${c:-0}" -gt 0 ] && cpu=$c
        if [ "$cpu" -ge "$cpu_cap" ]; then
            kill -INT "$pid" 2>/dev/null || true
            break
        fi
    done
    wait "$pid" 2>/dev/null || true
    took=$(($(date +%s) - start))
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    found=0
    for a in "fuzz/artifacts/$t"/*; do
        [ -f "$a" ] || continue
        if "$tdir/$triple/release/$t" -timeout=10 "$a" >/dev/null 2>&1; then
            echo "$t: $(basename "$a") does not reproduce on replay" | tee -a "$root/fuzz/budget.log"
        else
            found=$((found + 1))
        fi
    done
    echo "$t ${execs:-?} wall=${took}s cpu=${cpu}s $found" | tee -a "$root/fuzz/budget.log"
done
