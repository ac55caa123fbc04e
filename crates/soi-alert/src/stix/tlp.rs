//! The four TLP 1.0 marking definitions STIX 2.1 predefines (section 7.2.1.4). Their ids and
//! contents are fixed by the specification; STIX tools reject a changed copy.

use serde_json::{json, Value};
use soi_store::Tlp;

pub fn marking_id(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::White => "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        Tlp::Green => "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        Tlp::Amber => "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
        Tlp::Red => "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
    }
}

/// The marking-definition object, exactly as the specification gives it.
pub fn marking_definition(tlp: Tlp) -> Value {
    json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": marking_id(tlp),
        "created": "2017-01-20T00:00:00.000Z",
        "definition_type": "tlp",
        "name": format!("TLP:{}", tlp.as_str().to_ascii_uppercase()),
        "definition": { "tlp": tlp.as_str() },
    })
}
