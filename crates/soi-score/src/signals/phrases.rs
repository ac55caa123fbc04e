//! Phrase signals: deposit before delivery, fake giveaways, cure-all health claims, and the claims
//! other signals combine with price and seller facts ("chính hãng", "kho Hà Nội").
//!
//! Patterns run on the folded text (lower case, no diacritics), so "CK trước", "chuyển khoản
//! trước" and "chuyen khoan truoc" all match, and the hit points back at the characters as written.

use std::sync::LazyLock;

use regex::Regex;

use super::{FieldText, Hit};

/// A compiled phrase list for one reason code.
pub(crate) struct Phrases {
    code: &'static str,
    re: Regex,
    message: &'static str,
    message_vi: &'static str,
}

impl Phrases {
    fn new(
        code: &'static str,
        alts: &[&str],
        message: &'static str,
        message_vi: &'static str,
    ) -> Phrases {
        let pat = format!(r"(?:^|[^a-z0-9])({})(?:$|[^a-z0-9])", alts.join("|"));
        Phrases {
            code,
            // The patterns are constants checked by the tests below.
            re: Regex::new(&pat).unwrap_or_else(|e| panic!("phrase list {code}: {e}")),
            message,
            message_vi,
        }
    }

    /// The first match in a field as (byte start, byte end) of the folded text.
    pub(crate) fn find(&self, f: &FieldText<'_>) -> Option<(usize, usize)> {
        self.re
            .captures(&f.folded.text)
            .and_then(|c| c.get(1))
            .map(|m| (m.start(), m.end()))
    }

    /// One hit per field where the phrase list matches.
    pub(crate) fn hits(&self, fields: &[FieldText<'_>]) -> Vec<Hit> {
        fields
            .iter()
            .filter_map(|f| {
                let (b0, b1) = self.find(f)?;
                let (start, end) = f.span(b0, b1);
                Some(Hit {
                    code: self.code,
                    source: "phrases",
                    field: f.field.to_string(),
                    start,
                    end,
                    strength: 1.0,
                    message: self.message.to_string(),
                    message_vi: self.message_vi.to_string(),
                    evidence: None,
                })
            })
            .collect()
    }
}

pub(crate) static DEPOSIT: LazyLock<Phrases> = LazyLock::new(|| {
    Phrases::new(
        "deposit_before_delivery",
        &[
            r"(?:chuyen\s?khoan|ck|chuyen\s?tien|thanh\s?toan|tt|coc|gui\s?tien)\s?(?:100%\s?)?(?:truoc|trc|tr[uo]oc)",
            r"dat\s?coc",
            r"tien\s?coc",
            r"coc\s?[0-9]+\s?(?:%|k|tr|trieu)",
            r"khong\s?(?:nhan\s?|ho\s?tro\s?|ship\s?)?cod",
            r"ko\s?(?:nhan\s?)?cod",
            r"deposit",
            r"pay\s(?:first|upfront|up\sfront|in\sadvance|before\s(?:delivery|shipping))",
            r"advance\spayment",
            r"prepayment",
            r"(?:bank|wire)\stransfer\s(?:first|before|in\sadvance)",
        ],
        "Asks for payment or a deposit before delivery, outside the marketplace's protected checkout.",
        "Yêu cầu chuyển khoản hoặc đặt cọc trước khi giao hàng, ngoài luồng thanh toán được bảo vệ của sàn.",
    )
});

pub(crate) static GIVEAWAY: LazyLock<Phrases> = LazyLock::new(|| {
    Phrases::new(
        "fake_giveaway",
        &[
            r"tang\s?mien\s?phi",
            r"trung\s?thuong",
            r"trung\s?giai",
            r"qua\s?tang\s?100\s?%",
            r"mien\s?phi\s?100\s?%",
            r"nhan\s?qua\s?mien\s?phi",
            r"tri\s?an\s?khach\s?hang",
            r"quay\s?so\s?(?:trung|nhan)",
            r"give\s?away",
            r"free\sgift",
            r"you(?:'ve|\shave)?\s(?:won|been\sselected)",
            r"claim\syour\s(?:prize|gift|reward)",
            r"congratulations.{0,20}(?:won|winner|prize)",
        ],
        "Promises a free gift or prize, a common lure to collect fees or personal data.",
        "Hứa tặng quà hoặc trúng thưởng miễn phí, chiêu thường dùng để thu phí hoặc lấy thông tin cá nhân.",
    )
});

pub(crate) static HEALTH: LazyLock<Phrases> = LazyLock::new(|| {
    Phrases::new(
        "health_cure_claim",
        &[
            r"chua\s?khoi",
            r"khoi\s?han",
            r"tri\s?dut\s?diem",
            r"dut\s?diem",
            r"khoi\s?benh\s?(?:hoan\s?toan|100)",
            r"khoi\s?100\s?%",
            r"100\s?%\s?khoi",
            r"dac\s?tri",
            r"than\s?duoc",
            r"tri\s?tan\s?goc",
            r"(?:chua|tri)\s?(?:benh\s?)?(?:ung\s?thu|tieu\s?duong|huyet\s?ap|gout|xuong\s?khop|da\s?day|vo\s?sinh)",
            r"cures?",
            r"cured",
            r"miracle\s(?:cure|remedy)",
            r"heals?\s(?:cancer|diabetes|arthritis)",
            r"reverses?\s(?:diabetes|cancer|aging)",
        ],
        "Claims to cure a disease, which health products may not legally claim.",
        "Quảng cáo chữa khỏi bệnh, điều sản phẩm sức khỏe không được phép quảng cáo.",
    )
});

pub(crate) static GENUINE: LazyLock<Phrases> = LazyLock::new(|| {
    Phrases::new(
        "genuine_claim",
        &[
            r"(?:hang\s?)?chinh\s?hang",
            r"authentic",
            r"genuine",
            r"auth",
            r"hang\s?that\s?100\s?%",
            r"100\s?%\s?(?:real|original|authentic)",
        ],
        "Claims the goods are genuine.",
        "Tuyên bố hàng chính hãng.",
    )
});

pub(crate) static LOCAL: LazyLock<Phrases> = LazyLock::new(|| {
    Phrases::new(
        "local_claim",
        &[
            r"hang\s?viet\s?nam",
            r"hang\s?vn",
            r"hang\s?noi\s?dia",
            r"kho\s?(?:tai\s?|o\s?)?(?:ha\s?noi|hn|hcm|tp\s?hcm|tphcm|sai\s?gon|sg|da\s?nang|viet\s?nam|vn)",
            r"(?:ship|giao(?:\s?hang)?|gui)\s?(?:tu|tai)\s?(?:ha\s?noi|hn|hcm|tp\s?hcm|tphcm|sai\s?gon|sg|da\s?nang|viet\s?nam|vn)",
            r"san\s?xuat\s?tai\s?viet\s?nam",
            r"made\sin\sviet\s?nam",
            r"shop\s?viet",
            r"ships?\sfrom\s(?:vietnam|viet\snam|hanoi|ha\snoi|ho\schi\sminh|hcmc|saigon)",
            r"(?:local|vietnamese)\s(?:seller|shop|warehouse|brand)",
        ],
        "Claims to be a local Vietnamese seller.",
        "Tự nhận là người bán trong nước.",
    )
});

pub(crate) fn deposit(fields: &[FieldText<'_>]) -> Vec<Hit> {
    DEPOSIT.hits(fields)
}

pub(crate) fn giveaway(fields: &[FieldText<'_>]) -> Vec<Hit> {
    GIVEAWAY.hits(fields)
}

pub(crate) fn health(fields: &[FieldText<'_>]) -> Vec<Hit> {
    HEALTH.hits(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(p: &Phrases, s: &str) -> Option<String> {
        let f = FieldText::new("title", s);
        let h = p.hits(std::slice::from_ref(&f));
        h.first()
            .map(|h| s.chars().skip(h.start).take(h.end - h.start).collect())
    }

    #[test]
    fn vietnamese_english_and_teencode_forms() {
        assert_eq!(
            quote(&DEPOSIT, "Vui lòng chuyển khoản trước 50%").as_deref(),
            Some("chuyển khoản trước")
        );
        assert_eq!(
            quote(&DEPOSIT, "CK trước mới ship").as_deref(),
            Some("CK trước")
        );
        assert_eq!(
            quote(&DEPOSIT, "đặt cọc 500k giữ hàng").as_deref(),
            Some("đặt cọc")
        );
        assert_eq!(
            quote(&DEPOSIT, "A deposit before delivery is required").as_deref(),
            Some("deposit")
        );
        assert_eq!(
            quote(&GIVEAWAY, "Tặng miễn phí tai nghe").as_deref(),
            Some("Tặng miễn phí")
        );
        assert_eq!(
            quote(&GIVEAWAY, "Quà tặng 100% cho khách").as_deref(),
            Some("Quà tặng 100%")
        );
        assert_eq!(
            quote(&GIVEAWAY, "Big GIVEAWAY today").as_deref(),
            Some("GIVEAWAY")
        );
        assert_eq!(
            quote(&HEALTH, "Trị dứt điểm tiểu đường").as_deref(),
            Some("Trị dứt điểm")
        );
        assert_eq!(
            quote(&HEALTH, "khỏi hẳn sau 7 ngày").as_deref(),
            Some("khỏi hẳn")
        );
        assert_eq!(
            quote(&HEALTH, "This tea cures cancer").as_deref(),
            Some("cures")
        );
        assert_eq!(
            quote(&GENUINE, "Hàng chính hãng 100%").as_deref(),
            Some("Hàng chính hãng")
        );
        assert_eq!(
            quote(&LOCAL, "Ship từ HCM trong 2h").as_deref(),
            Some("Ship từ HCM")
        );
        assert_eq!(
            quote(&LOCAL, "kho Hà Nội sẵn hàng").as_deref(),
            Some("kho Hà Nội")
        );
    }

    #[test]
    fn honest_text_does_not_match() {
        for s in [
            "Miễn phí vận chuyển toàn quốc, thanh toán khi nhận hàng (COD)",
            "Áo thun cotton, đổi trả trong 7 ngày",
            "Secure checkout, free returns within 30 days",
        ] {
            assert!(quote(&DEPOSIT, s).is_none(), "{s}");
            assert!(quote(&GIVEAWAY, s).is_none(), "{s}");
            assert!(quote(&HEALTH, s).is_none(), "{s}");
        }
    }
}
