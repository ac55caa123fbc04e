#!/usr/bin/env bash
# Checks the production deployment files for syntax and shape (no container engine needed):
# every YAML parses; compose services name an image and a command that `soi` accepts; every
# Kubernetes document has apiVersion, kind and metadata.name, and workloads run `soi` commands
# that exist.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install --quiet pyyaml \
  || python3 -m pip install --quiet --break-system-packages pyyaml
SOI="${SOI_BIN:-${CARGO_TARGET_DIR:-target}/debug/soi}"
python3 - "$SOI" <<'PY'
import subprocess, sys, yaml, glob
soi = sys.argv[1]
commands = {"score", "sink", "crawl", "run", "publish", "dlq"}
def check_args(where, args):
    cmd = next((a for a in args if a in commands), None)
    assert cmd, f"{where}: no soi command in {args}"
    r = subprocess.run([soi] + args + ["--help"], capture_output=True, text=True)
    assert r.returncode == 0, f"{where}: `soi {' '.join(args)} --help` failed: {r.stderr}"
n = 0
compose = yaml.safe_load(open("deploy/production/docker-compose.yml"))
for name, svc in compose["services"].items():
    assert "image" in svc, f"compose service {name} has no image"
    if svc["image"].startswith("soi"):
        check_args(f"compose {name}", svc["command"])
    n += 1
for path in glob.glob("deploy/production/k8s/*.yaml"):
    for doc in yaml.safe_load_all(open(path)):
        for key in ("apiVersion", "kind", "metadata"):
            assert key in doc, f"{path}: a document has no {key}"
        assert doc["metadata"].get("name"), f"{path}: {doc['kind']} without a name"
        spec = doc.get("spec", {})
        tmpl = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template")
        for c in (tmpl or {}).get("spec", {}).get("containers", []):
            check_args(f"{path} {doc['metadata']['name']}", c["args"])
        n += 1
print(f"deploy files ok: {n} services and documents checked")
PY
