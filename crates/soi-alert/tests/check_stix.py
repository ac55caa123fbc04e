#!/usr/bin/env python3
"""Checks STIX 2.1 bundles with an independent implementation: the `stix2` package (OASIS).

Usage: check_stix.py PATH...   (files, or folders searched for *.json)

A file is either a bundle or an alert payload whose `stix` member is the bundle. Every bundle is
parsed with stix2.parse(..., allow_custom=False, version="2.1"), which checks required properties,
property types, id formats, references, marking definitions and (for indicators) the pattern.
Installs stix2 with pip when it is missing. Exits non-zero on the first invalid bundle.
"""
import json
import pathlib
import subprocess
import sys

try:
    import stix2
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "stix2"])
    import stix2


def bundles(paths):
    for p in paths:
        p = pathlib.Path(p)
        files = sorted(p.rglob("*.json")) if p.is_dir() else [p]
        for f in files:
            doc = json.loads(f.read_text(encoding="utf-8"))
            if isinstance(doc, dict) and doc.get("type") == "bundle":
                yield f, doc
            elif isinstance(doc, dict) and isinstance(doc.get("stix"), dict):
                yield f, doc["stix"]


def main():
    n = 0
    objects = 0
    for f, b in bundles(sys.argv[1:]):
        try:
            parsed = stix2.parse(json.dumps(b), allow_custom=False, version="2.1")
        except Exception as e:  # noqa: BLE001 - report any rejection with the file name
            print(f"INVALID {f}: {type(e).__name__}: {e}", file=sys.stderr)
            sys.exit(1)
        objects += len(parsed.objects)
        n += 1
    if n == 0:
        print("no STIX bundles found in " + " ".join(sys.argv[1:]), file=sys.stderr)
        sys.exit(2)
    print(f"stix2 {stix2.__version__}: {n} bundles with {objects} objects valid")


if __name__ == "__main__":
    main()
