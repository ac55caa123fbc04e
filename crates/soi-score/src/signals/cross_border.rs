//! Cross-border sellers posing as local: the seller is registered outside Vietnam while the text
//! claims "hàng Việt Nam", "kho Hà Nội", "ship từ HCM", or the ship-from place is Vietnamese.

use soi_model::Listing;

use super::phrases::LOCAL;
use super::{FieldText, Hit};

fn looks_vietnamese(place: &str) -> bool {
    let f = soi_text::fold(place);
    let f = f.trim();
    f == "vn"
        || [
            "viet nam",
            "vietnam",
            "ha noi",
            "hanoi",
            "ho chi minh",
            "hcm",
            "sai gon",
            "saigon",
            "da nang",
            "hai phong",
            "can tho",
            "binh duong",
            "dong nai",
        ]
        .iter()
        .any(|k| f.contains(k))
}

pub(crate) fn posing_local(l: &Listing, fields: &[FieldText<'_>]) -> Vec<Hit> {
    let Some(seller) = &l.seller else {
        return Vec::new();
    };
    let Some(country) = seller.country.as_deref().map(str::trim) else {
        return Vec::new();
    };
    if country.is_empty() || country.eq_ignore_ascii_case("VN") || looks_vietnamese(country) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let claim = fields.iter().find_map(|f| LOCAL.find(f).map(|b| (f, b)));
    let ship_vn = seller.ship_from.as_deref().filter(|s| looks_vietnamese(s));
    let msg = format!(
        "Seller is registered in {country} but presents itself as a local Vietnamese seller."
    );
    let msg_vi = format!("Người bán đăng ký tại {country} nhưng tự nhận là người bán trong nước.");
    if let Some((f, (b0, b1))) = claim {
        let (start, end) = f.span(b0, b1);
        out.push(Hit {
            code: "cross_border_posing_local",
            source: "cross_border",
            field: f.field.to_string(),
            start,
            end,
            strength: 1.0,
            message: msg,
            message_vi: msg_vi,
            evidence: None,
        });
    } else if let Some(place) = ship_vn {
        out.push(Hit {
            code: "cross_border_posing_local",
            source: "cross_border",
            field: "title".into(),
            start: 0,
            end: 0,
            strength: 0.8,
            message: msg,
            message_vi: msg_vi,
            evidence: Some(format!(
                "seller.country={country}, seller.ship_from={place}"
            )),
        });
    } else {
        out.push(Hit {
            code: "cross_border_seller",
            source: "cross_border",
            field: "title".into(),
            start: 0,
            end: 0,
            strength: 1.0,
            message: format!("Cross-border seller registered in {country}."),
            message_vi: format!("Người bán xuyên biên giới, đăng ký tại {country}."),
            evidence: Some(format!("seller.country={country}")),
        });
    }
    out
}
