#!/usr/bin/env bash
# The fast tier against fastText on the same texts, side by side.
#
# Set: ViSpamReviews `Label` (review spam). Both models learn from the same 90% of its train
# split; soi calibrates on the other 10%; both are then measured on its dev split, which neither
# saw. fastText (PyPI `fasttext-wheel`) is installed into target/fasttext-compare/venv. Speed is
# texts per second on ONE thread: fastText's `predict` on the whole list, soi's head over the same
# texts (`soi bench score --head review_spam --threads 1`).
#
#   bash crates/soi-learn/benches/fasttext_compare.sh
#
# Needs the shared data (SOI_SHARED_DATA, default ../shared/data) and the `soi` binary (built
# here with cargo if absent).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
DATA="${SOI_SHARED_DATA:-$ROOT/../shared/data}"
WORK="$ROOT/target/fasttext-compare"
SOI="${SOI_BIN:-$ROOT/target/release/soi}"
[ -x "$SOI" ] || SOI="$ROOT/target/debug/soi"
if [ ! -x "$SOI" ]; then (cd "$ROOT" && cargo build --release -p soi-cli); SOI="$ROOT/target/release/soi"; fi
[ -f "$DATA/vispamreviews/train.csv" ] || { echo "shared data not found at $DATA" >&2; exit 1; }
mkdir -p "$WORK/data/vispamreviews"
if [ ! -x "$WORK/venv/bin/python" ]; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install -q fasttext-wheel "numpy<2"
fi
PY="$WORK/venv/bin/python"

# Split: 90% of train for training, 10% for soi's calibration, dev for the test of both.
"$PY" - "$DATA" "$WORK" <<'PYEOF'
import csv, json, random, re, sys
data, work = sys.argv[1], sys.argv[2]
def rows(p):
    with open(p, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))
train, dev = rows(f"{data}/vispamreviews/train.csv"), rows(f"{data}/vispamreviews/dev.csv")
random.Random(7).shuffle(train)
k = len(train) // 10
fields = list(train[0].keys())
for name, part in [("train.csv", train[k:]), ("dev.csv", train[:k])]:
    with open(f"{work}/data/vispamreviews/{name}", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields); w.writeheader(); w.writerows(part)
def ft(t):  # fastText's usual preparation: lower case, punctuation split off, one line.
    return " ".join(re.findall(r"\w+|[^\w\s]", t.lower()))
with open(f"{work}/ft_train.txt", "w", encoding="utf-8") as f:
    for r in train[k:]:
        f.write(f"__label__{r['Label']} {ft(r['Comment'])}\n")
with open(f"{work}/test.jsonl", "w", encoding="utf-8") as f:
    for r in dev:
        f.write(json.dumps({"text": r["Comment"], "label": int(r["Label"])}, ensure_ascii=False) + "\n")
print(f"train {len(train) - k}, calibration {k}, test {len(dev)}", file=sys.stderr)
PYEOF

# soi: train the review_spam head on the same 90% (calibrated on the 10%), no refit.
cat > "$WORK/train.toml" <<'TOML'
name = "compare"
seed = 20261129
dev_fraction = 0.15
[hashing]
bits = 18
seed = 1343364134
char_min = 2
char_max = 5
char_word_max = 24
[heads.review_spam]
epochs = 12
lr = 0.01
batch = 64
TOML
"$SOI" train --config "$WORK/train.toml" --data "$WORK/data" --out "$WORK/soi-model" --head review_spam >/dev/null
SOI_JSON="$("$SOI" bench score --input "$WORK/test.jsonl" --head review_spam --model-dir "$WORK/soi-model" --threads 1 --seconds 3 --json)"

# fastText: word bigrams and character 2-5-grams (its strongest usual setting), one thread.
FT_JSON="$("$PY" - "$WORK" <<'PYEOF'
import json, re, sys, time
import fasttext
work = sys.argv[1]
def ft(t):
    return " ".join(re.findall(r"\w+|[^\w\s]", t.lower()))
m = fasttext.train_supervised(input=f"{work}/ft_train.txt", epoch=10, lr=0.5, wordNgrams=2,
                              minn=2, maxn=5, dim=50, loss="softmax", thread=1, seed=7, verbose=0)
rows = [json.loads(l) for l in open(f"{work}/test.jsonl", encoding="utf-8")]
texts = [ft(r["text"]) for r in rows]
m.predict(texts[:100])
best, rounds, t0 = None, 0, time.perf_counter()
while rounds == 0 or time.perf_counter() - t0 < 3:
    t = time.perf_counter(); labels, _ = m.predict(texts); dt = time.perf_counter() - t
    best = dt if best is None else min(best, dt); rounds += 1
pred = [1 if l[0] == "__label__1" else 0 for l in labels]
gold = [r["label"] for r in rows]
tp = sum(p and g for p, g in zip(pred, gold)); fp = sum(p and not g for p, g in zip(pred, gold))
fn = sum((not p) and g for p, g in zip(pred, gold))
prec = tp / (tp + fp) if tp + fp else 0.0; rec = tp / (tp + fn) if tp + fn else 0.0
f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
print(json.dumps({"per_thread_per_s": round(len(texts) / best), "f1": round(f1, 4), "items": len(texts)}))
PYEOF
)"

"$PY" - "$SOI_JSON" "$FT_JSON" <<'PYEOF'
import json, sys
s, f = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"ViSpamReviews review_spam, {s['items']} dev texts unseen by both, 1 thread")
print(f"{'':22}{'texts/s/thread':>16}{'F1 (spam)':>12}")
print(f"{'soi fast tier':22}{s['per_thread_per_s']:>16.0f}{s['f1']:>12.4f}")
print(f"{'fastText predict':22}{f['per_thread_per_s']:>16.0f}{f['f1']:>12.4f}")
print(f"speed ratio soi/fastText: {s['per_thread_per_s'] / f['per_thread_per_s']:.1f}x")
PYEOF
