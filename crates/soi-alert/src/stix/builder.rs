//! Assembles a bundle object by object, each id written once.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use soi_model::{Listing, Seller, Verdict};
use soi_store::Tlp;

use super::ids::{artifact_id, domain_id, sdo_id, url_id};
use super::indicators::{for_reason, host_of};
use super::{stix_time, tlp};

/// When soi's own identity object was first defined (fixed, so bundles stay byte-identical).
const PRODUCER_CREATED: &str = "2026-01-01T00:00:00.000Z";

/// Builds one STIX 2.1 bundle; objects keep the order they were added in.
pub struct BundleBuilder {
    tlp: Tlp,
    objects: Vec<Value>,
    ids: BTreeSet<String>,
    producer: String,
}

impl BundleBuilder {
    pub fn new(tlp: Tlp) -> Self {
        let mut b = BundleBuilder {
            tlp,
            objects: Vec::new(),
            ids: BTreeSet::new(),
            producer: sdo_id("identity", "producer|soi"),
        };
        b.push(tlp::marking_definition(tlp));
        let producer = json!({
            "type": "identity",
            "spec_version": "2.1",
            "id": b.producer,
            "created": PRODUCER_CREATED,
            "modified": PRODUCER_CREATED,
            "name": "soi: scam listing monitor (consumer protection)",
            "identity_class": "system",
        });
        b.push(producer);
        b
    }

    fn push(&mut self, v: Value) {
        let id = v["id"].as_str().unwrap_or_default().to_string();
        if self.ids.insert(id) {
            self.objects.push(v);
        }
    }

    /// Common properties of a domain object made by soi under this bundle's marking.
    fn sdo(&self, kind: &str, id: &str, t: DateTime<Utc>) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("type".into(), json!(kind));
        m.insert("spec_version".into(), json!("2.1"));
        m.insert("id".into(), json!(id));
        m.insert("created".into(), json!(stix_time(t)));
        m.insert("modified".into(), json!(stix_time(t)));
        m.insert("created_by_ref".into(), json!(self.producer));
        m.insert(
            "object_marking_refs".into(),
            json!([tlp::marking_id(self.tlp)]),
        );
        m
    }

    /// The seller as an identity. Returns its id.
    pub fn seller(&mut self, s: &Seller, t: DateTime<Utc>) -> String {
        let id = sdo_id("identity", &format!("seller|{}", s.key()));
        let mut m = self.sdo("identity", &id, t);
        m.insert(
            "name".into(),
            json!(s.name.clone().unwrap_or_else(|| s.id.clone())),
        );
        m.insert("identity_class".into(), json!("organization"));
        let mut facts = vec![format!("Seller {} on marketplace {}", s.id, s.marketplace)];
        if let Some(c) = &s.country {
            facts.push(format!("registered country {c}"));
        }
        if let Some(f) = &s.ship_from {
            facts.push(format!("ships from {f}"));
        }
        if s.cross_border {
            facts.push("cross-border seller".into());
        }
        if let Some(j) = s.joined_at {
            facts.push(format!("joined {}", stix_time(j)));
        }
        m.insert("description".into(), json!(facts.join("; ")));
        m.insert(
            "external_references".into(),
            json!([{ "source_name": s.marketplace, "external_id": s.id }]),
        );
        let id2 = id.clone();
        self.push(Value::Object(m));
        id2
    }

    /// The listing as observed data (URL, domain, fetched page) plus its indicators and a note
    /// with the verdict's reasons and quoted evidence. Returns the ids it wrote.
    pub fn listing(&mut self, l: &Listing, v: &Verdict, seller_ref: Option<&str>) -> Vec<String> {
        let t = v.scored_at;
        let seen = l.observed_at.unwrap_or(t);
        let mut refs: Vec<String> = Vec::new();
        let mut scos: Vec<String> = Vec::new();
        if let Some(u) = l.url.as_deref().filter(|u| !u.trim().is_empty()) {
            let uid = url_id(u);
            self.push(json!({"type": "url", "spec_version": "2.1", "id": uid, "value": u}));
            scos.push(uid);
            if let Some(h) = host_of(u) {
                let did = domain_id(&h);
                self.push(
                    json!({"type": "domain-name", "spec_version": "2.1", "id": did,
                                 "value": h}),
                );
                scos.push(did);
            }
            if let Some(sha) = l.evidence_sha256.as_deref().filter(|s| s.len() == 64) {
                let aid = artifact_id(sha);
                self.push(json!({"type": "artifact", "spec_version": "2.1", "id": aid,
                                 "mime_type": "text/html", "url": u,
                                 "hashes": {"SHA-256": sha}}));
                scos.push(aid);
            }
        }
        if !scos.is_empty() {
            let oid = sdo_id("observed-data", &l.key());
            let mut m = self.sdo("observed-data", &oid, t);
            m.insert("first_observed".into(), json!(stix_time(seen)));
            m.insert("last_observed".into(), json!(stix_time(seen)));
            m.insert("number_observed".into(), json!(1));
            m.insert("object_refs".into(), json!(scos));
            self.push(Value::Object(m));
            refs.push(oid);
        }
        for r in &v.reasons {
            let Some(spec) = for_reason(l, r) else {
                continue;
            };
            let iid = sdo_id("indicator", &spec.key);
            if !self.ids.contains(&iid) {
                let mut m = self.sdo("indicator", &iid, t);
                m.insert("name".into(), json!(spec.name));
                m.insert("indicator_types".into(), json!(["malicious-activity"]));
                m.insert("pattern".into(), json!(spec.pattern));
                m.insert("pattern_type".into(), json!("stix"));
                m.insert("pattern_version".into(), json!("2.1"));
                m.insert("valid_from".into(), json!(stix_time(t)));
                self.push(Value::Object(m));
            }
            if !refs.contains(&iid) {
                refs.push(iid);
            }
        }
        if let Some(s) = seller_ref {
            refs.push(s.to_string());
        }
        if refs.is_empty() {
            return refs;
        }
        let nid = sdo_id("note", &l.key());
        let mut m = self.sdo("note", &nid, t);
        m.insert(
            "abstract".into(),
            json!(format!(
                "Listing {} scored {:.2} risk / Tin đăng có mức rủi ro {:.2}",
                l.key(),
                v.risk,
                v.risk
            )),
        );
        m.insert("content".into(), json!(note_content(l, v)));
        m.insert("authors".into(), json!(["soi"]));
        m.insert("object_refs".into(), json!(refs));
        self.push(Value::Object(m));
        refs.push(nid);
        refs
    }

    /// The bundle, with a deterministic id from `key`.
    pub fn finish(self, key: &str) -> Value {
        json!({
            "type": "bundle",
            "id": sdo_id("bundle", key),
            "objects": self.objects,
        })
    }
}

/// The note's text: title, risk, every reason in English and Vietnamese with the quoted evidence
/// and where it is, and the evidence page's hash.
fn note_content(l: &Listing, v: &Verdict) -> String {
    let mut out = vec![
        format!("Listing / Tin đăng: {} ({})", l.title, l.key()),
        format!("Risk / Rủi ro: {:.2} (model {})", v.risk, v.model),
    ];
    if let Some(u) = &l.url {
        out.push(format!("URL: {u}"));
    }
    for r in &v.reasons {
        out.push(format!(
            "- {}: {} / {} [{} {}..{}] \"{}\"",
            r.code, r.message, r.message_vi, r.field, r.start, r.end, r.evidence
        ));
    }
    match &l.evidence_sha256 {
        Some(h) => out.push(format!(
            "Evidence page sha256 / Mã băm trang bằng chứng: {h}"
        )),
        None => out.push("Evidence page sha256: not captured / chưa lưu".into()),
    }
    out.join("\n")
}
