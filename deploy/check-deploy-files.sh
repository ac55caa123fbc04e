#!/usr/bin/env bash
# Checks the production deployment files for syntax and shape (no container engine needed):
# every YAML parses; compose services name an image and a command that `soi` accepts; every
# Kubernetes document has apiVersion, kind and metadata.name; soi workloads run `soi` commands
# that exist, serve metrics on a port named `metrics` and have /healthz liveness and /readyz
# readiness probes on it; the Prometheus config and alarms pass `promtool` (when installed, and
# it must be with SOI_REQUIRE_TOOLS=1); every metric the alarms and the Grafana dashboard read is
# one soi exports (crates/soi-telemetry/src/names.rs) and every dashboard panel reads one.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install --quiet pyyaml \
  || python3 -m pip install --quiet --break-system-packages pyyaml
SOI="${SOI_BIN:-${CARGO_TARGET_DIR:-target}/debug/soi}"
if command -v promtool >/dev/null; then
    (cd deploy/production/prometheus && promtool check config --syntax-only prometheus.yml \
        && promtool check rules alerts.yml) >/dev/null
    echo "promtool: prometheus.yml and alerts.yml ok"
elif [ "${SOI_REQUIRE_TOOLS:-0}" = 1 ]; then
    echo "promtool is required (SOI_REQUIRE_TOOLS=1): deploy/install-test-tools.sh installs it" >&2
    exit 1
else
    echo "skipping promtool checks: no promtool (deploy/install-test-tools.sh installs it)"
fi
python3 - "$SOI" <<'PY'
import glob, json, re, subprocess, sys, yaml
soi = sys.argv[1]
commands = {"score", "sink", "crawl", "run", "publish", "dlq", "alerts"}
def check_args(where, args):
    cmd = next((a for a in args if a in commands), None)
    assert cmd, f"{where}: no soi command in {args}"
    r = subprocess.run([soi] + args + ["--help"], capture_output=True, text=True)
    assert r.returncode == 0, f"{where}: `soi {' '.join(args)} --help` failed: {r.stderr}"
def check_probes(where, c):
    ports = {p.get("name"): p.get("containerPort") for p in c.get("ports", [])}
    assert ports.get("metrics") == 9464, f"{where}: no container port `metrics` (9464)"
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        get = c.get(probe, {}).get("httpGet", {})
        assert get.get("path") == path and get.get("port") == "metrics", \
            f"{where}: {probe} must GET {path} on port `metrics`, has {c.get(probe)}"
        assert c[probe].get("timeoutSeconds", 1) >= 3, f"{where}: {probe} timeout under 3 s"
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
        name = doc["metadata"].get("name")
        assert name, f"{path}: {doc['kind']} without a name"
        spec = doc.get("spec", {})
        tmpl = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template")
        for c in (tmpl or {}).get("spec", {}).get("containers", []):
            if c["image"].startswith("soi"):
                check_args(f"{path} {name}", c["args"])
                if doc["kind"] == "Deployment":
                    check_probes(f"{path} {name}", c)
        n += 1

# Metric names: the catalog in names.rs against what the alarms and the dashboard read.
catalog = {}
src = open("crates/soi-telemetry/src/names.rs").read()
for m in re.finditer(r'= "(soi_[a-z_]+)", (Counter|Gauge|Histogram),', src):
    catalog[m.group(1)] = m.group(2)
assert len(catalog) >= 20, f"only {len(catalog)} metrics found in names.rs"
def known(name):
    if name in catalog:
        return True
    base = re.sub(r"_(bucket|sum|count)$", "", name)
    return catalog.get(base) == "Histogram"
def names_in(expr):
    return re.findall(r"(?<![A-Za-z0-9_])soi_[a-z_]+", expr)
rules = yaml.safe_load(open("deploy/production/prometheus/alerts.yml"))
alarms = 0
for g in rules["groups"]:
    for r in g["rules"]:
        for a in ("summary", "action"):
            assert r.get("annotations", {}).get(a), f"alarm {r['alert']} has no {a}"
        for m in names_in(r["expr"]):
            assert known(m), f"alarm {r['alert']} reads {m}, which soi does not export"
        alarms += 1
readme = open("README.md").read()
for g in rules["groups"]:
    for r in g["rules"]:
        assert r["alert"] in readme, f"alarm {r['alert']} has no runbook entry in README.md"
dash = json.load(open("deploy/production/grafana/soi-dashboard.json"))
queries = 0
def walk(panels):
    global queries
    for p in panels:
        if p.get("type") != "row":
            exprs = [t.get("expr", "") for t in p.get("targets", [])]
            assert exprs, f"dashboard panel `{p.get('title')}` has no query"
        for t in p.get("targets", []):
            e = t.get("expr", "")
            assert "$" not in e, f"panel `{p.get('title')}`: `{e}` uses a variable"
            found = names_in(e)
            assert found, f"panel `{p.get('title')}`: `{e}` reads no soi metric"
            for m in found:
                assert known(m), f"panel `{p.get('title')}` reads {m}, which soi does not export"
            queries += 1
        walk(p.get("panels", []))
walk(dash["panels"])
print(f"deploy files ok: {n} services and documents, {alarms} alarms, {queries} dashboard queries checked")
PY
