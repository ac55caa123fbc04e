#!/usr/bin/env bash
# Side by side on this CPU: soi's encoder tier vs PyTorch sentence-transformers, same checkpoint
# (all-MiniLM-L6-v2 from deploy/fetch-encoder.sh), same texts, same maximum sequence length (256,
# from the checkpoint's sentence_bert_config.json), same thread counts (1 and 2). Also
# candle-transformers' BertModel on the same texts, the baseline soi's forward pass replaced.
#
#   bash benches/encoder/compare.sh            # 512 ViSpamReviews dev reviews
#   N=1590 SECONDS_PER_RUN=5 bash benches/encoder/compare.sh
#
# PyTorch and sentence-transformers are installed from PyPI into .cache/bench-venv. The texts
# come from ../shared/data (never committed) into .cache/bench/.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$here"
n="${N:-512}"
secs="${SECONDS_PER_RUN:-3}"
data="${SOI_SHARED_DATA:-$here/../shared/data}"
model="$(deploy/fetch-encoder.sh)"
venv="$here/.cache/bench-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import torch, sentence_transformers" 2>/dev/null; then
  echo "installing torch and sentence-transformers into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check torch sentence-transformers >&2
fi
mkdir -p .cache/bench
texts=".cache/bench/encoder_texts_$n.jsonl"
python3 - "$data/vispamreviews/dev.csv" "$texts" "$n" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))[: int(sys.argv[3])]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps({"text": r["Comment"]}, ensure_ascii=False) + "\n")
PY
cargo build --release --quiet -p soi-cli
soi="${CARGO_TARGET_DIR:-$here/target}/release/soi"
echo "== soi (ragged batches, gemm AVX-512) =="
"$soi" bench encoder --input "$texts" --model-dir "$model" --threads 1,2 --seconds "$secs"
echo "== candle-transformers BertModel (padded batches of 32) =="
"$soi" bench encoder --input "$texts" --model-dir "$model" --threads 1,2 --seconds "$secs" --engine candle
echo "== PyTorch sentence-transformers (batch_size 32) =="
HF_HUB_OFFLINE=1 "$venv/bin/python" benches/encoder/torch_bench.py "$model" "$texts" --threads 1 2 --seconds "$secs" 2>/dev/null
