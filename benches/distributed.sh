#!/usr/bin/env bash
# Distributed pipeline benchmark on the 28,349 real Shopee Taiwan listings: listings per second
# per stage and end to end, beside the raw rates of the same broker and ClickHouse measured in
# the same run, so soi's overhead shows as a ratio.
#   benches/distributed.sh            (starts the loopback engines if they are not running)
# Needs ../shared/data (or SOI_SHARED_DATA) and the engines (deploy/engines/install.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${SOI_SHARED_DATA:-../shared/data}/shopee_tw_rebrowser_sample/shopee_tw_product_details.csv"
[ -f "$data" ] || { echo "missing $data (set SOI_SHARED_DATA)" >&2; exit 1; }
work=.cache/bench; mkdir -p "$work"
listings="$work/shopee_tw.jsonl"
[ -s "$listings" ] || python3 benches/shopee_to_jsonl.py "$data" "$listings"
python3 -c 'import confluent_kafka' 2>/dev/null || python3 -m pip install --quiet confluent-kafka
cargo build --release --locked -p soi-cli >/dev/null
soi=target/release/soi
deploy/engines/start.sh >/dev/null
. deploy/engines/env.sh
n=$(wc -l <"$listings")
tag="bench$$"
export SOI_KAFKA_TOPIC_PREFIX="$tag." SOI_KAFKA_PARTITIONS=4
store="${SOI_TEST_CLICKHOUSE%/*}/soi_$tag"
s() { "$soi" --quiet --home "$work/home" --bus "$SOI_TEST_KAFKA" --store "$store" "$@"; }
rate() { sed -n "s/.* \([0-9][0-9]*\) listings\/s.*/\1/p" | tail -1; }

echo "raw engines on $n listings..." >&2
ch_http="http://${SOI_TEST_CLICKHOUSE#clickhouse://}"; ch_http="${ch_http%/*}"
raw=$(python3 benches/raw_engines.py "$listings" "${SOI_TEST_KAFKA#kafka://}" "$ch_http")
echo "soi stages one after another..." >&2
pub=$(s publish --input "$listings" 2>&1 | rate)
score=$(s score --idle-exit 5 2>&1 | rate)
sink=$(s sink --idle-exit 5 2>&1 | rate)
echo "soi end to end (all stages at once)..." >&2
export SOI_KAFKA_TOPIC_PREFIX="${tag}e2e."
store="${store}_e2e"
start=$(date +%s.%N)
s score --idle-exit 5 >/dev/null 2>&1 & sp=$!
s sink --idle-exit 5 >/dev/null 2>&1 & kp=$!
s publish --input "$listings" >/dev/null 2>&1
wait $sp $kp
end=$(date +%s.%N)
e2e=$(python3 -c "print(round($n / ($end - $start - 5)))")
python3 - "$raw" "$n" "$pub" "$score" "$sink" "$e2e" <<'PY'
import json, sys
raw = json.loads(sys.argv[1]); n = int(sys.argv[2])
pub, score, sink, e2e = (float(x or 0) for x in sys.argv[3:7])
rows = [
    ("publish (soi -> broker)", pub, raw["kafka_produce_per_s"], "raw produce"),
    ("score stage (broker -> score -> broker)", score, raw["kafka_consume_per_s"], "raw consume"),
    ("sink stage (broker -> ClickHouse)", sink, raw["clickhouse_insert_rows_per_s"], "raw insert"),
    ("end to end, stages concurrent", e2e, min(raw["kafka_produce_per_s"], raw["kafka_consume_per_s"], raw["clickhouse_insert_rows_per_s"]), "slowest raw"),
]
print(f"{n} Shopee TW listings; listings per second")
print(f"{'stage':42} {'soi':>8} {'raw':>8}  ratio  (raw = {'{'}which{'}'})")
for name, soi, raw_rate, which in rows:
    print(f"{name:42} {soi:8.0f} {raw_rate:8.0f}  {soi / raw_rate if raw_rate else 0:5.2f}  ({which})")
PY
