"""PyTorch sentence-transformers on the same texts, checkpoint, sequence length and threads as
`soi bench encoder`: texts per second, one JSON line per thread count.

    python benches/encoder/torch_bench.py MODEL_DIR TEXTS.jsonl --threads 1 2 --seconds 3
"""
import argparse
import json
import resource
import time

import torch
from sentence_transformers import SentenceTransformer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("texts")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--batch-size", type=int, default=32)
    a = ap.parse_args()
    texts = [json.loads(l)["text"] for l in open(a.texts, encoding="utf-8") if l.strip()]
    model = SentenceTransformer(a.model_dir, device="cpu")
    for n in a.threads:
        torch.set_num_threads(n)
        with torch.inference_mode():
            model.encode(texts, batch_size=a.batch_size)  # warm-up
            start, rounds = time.perf_counter(), 0
            while rounds == 0 or time.perf_counter() - start < a.seconds:
                model.encode(texts, batch_size=a.batch_size)
                rounds += 1
            secs = time.perf_counter() - start
        print(json.dumps({
            "engine": "pytorch",
            "torch": torch.__version__,
            "threads": n,
            "texts": len(texts),
            "max_seq_length": model.max_seq_length,
            "batch_size": a.batch_size,
            "texts_per_s": len(texts) * rounds / secs,
            "rounds": rounds,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }), flush=True)


if __name__ == "__main__":
    main()
