//! Vietnamese and English. The language is the `soi_lang` cookie (set by the switch in every
//! page's header), else the browser's `Accept-Language` (English when it asks for `en` first),
//! else Vietnamese: the console is for Vietnamese offices.

use axum::http::{header, HeaderMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn of(headers: &HeaderMap) -> Lang {
        let cookie = headers
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|c| crate::session::cookie_in(c, "soi_lang"))
            .and_then(Lang::parse);
        if let Some(l) = cookie {
            return l;
        }
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if accept.trim_start().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Vi
        }
    }
}

/// The strings of one language, looked up by key from the templates: `{{ c.tr.get("queue") }}`.
#[derive(Debug, Clone, Copy)]
pub struct Tr(pub Lang);

impl Tr {
    pub fn get(&self, key: &str) -> &'static str {
        self.find(key).unwrap_or("?")
    }

    /// The string for `key`, or `None` when the table has none (for keys built from data, such
    /// as a link's kind, that fall back to the data itself).
    pub fn find(&self, key: &str) -> Option<&'static str> {
        STRINGS
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, en, vi)| match self.0 {
                Lang::En => *en,
                Lang::Vi => *vi,
            })
    }

    /// A link kind's name in this language (`kind_phone`, ...), or the kind itself when the table
    /// has none.
    pub fn kind(&self, kind: &str) -> String {
        self.find(&format!("kind_{kind}"))
            .map_or_else(|| kind.to_string(), str::to_string)
    }
}

/// `(key, English, Vietnamese)`.
pub const STRINGS: &[(&str, &str, &str)] = &[
    ("app", "soi console", "Bảng điều khiển soi"),
    ("queue", "Queue", "Hàng đợi"),
    ("cases", "Cases", "Hồ sơ vụ việc"),
    ("audit", "Audit log", "Nhật ký kiểm tra"),
    ("custody", "Chain of custody", "Chuỗi lưu giữ bằng chứng"),
    (
        "chain_intact",
        "The chain holds: every entry links to the one before.",
        "Chuỗi còn nguyên vẹn: mỗi mục nối với mục trước.",
    ),
    ("users", "Users", "Người dùng"),
    ("logout", "Log out", "Đăng xuất"),
    ("login", "Log in", "Đăng nhập"),
    ("username", "User name", "Tên đăng nhập"),
    ("password", "Password", "Mật khẩu"),
    ("marketplace", "Marketplace", "Sàn"),
    ("country", "Country", "Quốc gia"),
    ("cross_border", "Cross-border", "Xuyên biên giới"),
    ("any", "Any", "Tất cả"),
    ("yes", "Yes", "Có"),
    ("no", "No", "Không"),
    ("min_risk", "Minimum risk", "Rủi ro tối thiểu"),
    ("since", "Since", "Từ ngày"),
    ("until", "Until", "Đến ngày"),
    ("label_state", "Label", "Nhãn"),
    ("unlabelled", "Not labelled", "Chưa gắn nhãn"),
    ("filter", "Filter", "Lọc"),
    ("seller", "Seller", "Người bán"),
    ("flagged", "Flagged", "Bị gắn cờ"),
    ("listings", "Listings", "Tin đăng"),
    ("max_risk", "Highest risk", "Rủi ro cao nhất"),
    ("reasons", "Reasons", "Lý do"),
    ("last_seen", "Last seen", "Thấy lần cuối"),
    ("linked_accounts", "Linked accounts", "Tài khoản liên kết"),
    ("complaints", "Complaints", "Khiếu nại"),
    ("next", "Next page", "Trang sau"),
    ("prev", "Previous page", "Trang trước"),
    (
        "none_found",
        "Nothing matches these filters.",
        "Không có kết quả phù hợp.",
    ),
    (
        "new_case",
        "Create a case from the selected sellers",
        "Tạo hồ sơ từ những người bán đã chọn",
    ),
    ("case_title", "Case title", "Tên hồ sơ"),
    ("risk", "Risk", "Rủi ro"),
    ("title", "Title", "Tiêu đề"),
    ("evidence", "Evidence", "Bằng chứng"),
    ("verdict_history", "Verdict history", "Lịch sử đánh giá"),
    ("labels", "Labels", "Nhãn"),
    ("add_label", "Label", "Gắn nhãn"),
    ("scam", "Scam", "Lừa đảo"),
    ("not_scam", "Not a scam", "Không lừa đảo"),
    ("unsure", "Unsure", "Chưa chắc chắn"),
    ("confirm", "confirm", "xác nhận"),
    ("reject", "reject", "bác bỏ"),
    ("note", "Note", "Ghi chú"),
    ("save", "Save", "Lưu"),
    ("by", "by", "bởi"),
    ("archived_page", "The page as captured", "Trang đã lưu"),
    ("captured_at", "Captured", "Thời điểm lưu"),
    (
        "no_capture",
        "No captured page is stored for this listing.",
        "Không có trang lưu cho tin này.",
    ),
    ("status", "Status", "Trạng thái"),
    ("assignee", "Assignee", "Người phụ trách"),
    ("open", "open", "đang mở"),
    ("pending", "waiting for approval", "chờ phê duyệt"),
    ("referred", "referred", "đã chuyển"),
    ("closed", "closed", "đã đóng"),
    (
        "refer_to",
        "Refer to (liaison officer)",
        "Chuyển cho (cán bộ liên lạc)",
    ),
    ("request_referral", "Ask to refer", "Đề nghị chuyển"),
    (
        "approve_referral",
        "Approve and send the referral",
        "Phê duyệt và gửi",
    ),
    (
        "dossier",
        "Dossier (JSON with STIX 2.1)",
        "Hồ sơ (JSON kèm STIX 2.1)",
    ),
    (
        "dossier_html",
        "Dossier to print (HTML, Vietnamese and English)",
        "Hồ sơ để in (HTML, tiếng Việt và tiếng Anh)",
    ),
    ("notes", "Notes", "Ghi chú"),
    ("close_case", "Close the case", "Đóng hồ sơ"),
    ("add_note", "Add the note", "Thêm ghi chú"),
    ("no_cases", "No cases yet.", "Chưa có hồ sơ nào."),
    ("created", "Created", "Tạo lúc"),
    ("when", "When", "Thời điểm"),
    ("who", "Who", "Ai"),
    ("action", "Action", "Hành động"),
    ("target", "Target", "Đối tượng"),
    ("detail", "Detail", "Chi tiết"),
    ("address", "Address", "Địa chỉ"),
    ("role", "Role", "Vai trò"),
    ("disabled", "disabled", "đã khoá"),
    ("disable", "Disable", "Khoá"),
    ("reset", "Set password", "Đặt mật khẩu"),
    ("add_user", "Add the user", "Thêm người dùng"),
    ("language", "Tiếng Việt / English", "Tiếng Việt / English"),
    ("description", "Description", "Mô tả"),
    ("price", "Price", "Giá"),
    ("model", "Model", "Mô hình"),
    (
        "links_none",
        "This seller is linked to no other account.",
        "Người bán này không liên kết với tài khoản nào khác.",
    ),
    (
        "links_per_marketplace",
        "Accounts in the network, per marketplace (this one included)",
        "Số tài khoản trong mạng lưới, theo sàn (kể cả tài khoản này)",
    ),
    (
        "links_accounts",
        "Linked accounts",
        "Các tài khoản liên kết",
    ),
    ("links_found", "Links found", "Các liên kết tìm thấy"),
    (
        "links_truncated",
        "The network is larger than shown: the walk stopped at this many accounts:",
        "Mạng lưới lớn hơn phần hiển thị: việc dò tìm dừng lại ở số tài khoản này:",
    ),
    ("link_kind", "Shared", "Điểm chung"),
    ("link_value", "Value", "Giá trị"),
    ("link_first", "Seen first", "Thấy trước"),
    ("link_later", "Seen later", "Thấy sau"),
    ("found_at", "Found", "Phát hiện lúc"),
    ("field", "Field", "Trường"),
    ("this_account", "this account", "tài khoản này"),
    ("kind_phone", "phone number", "số điện thoại"),
    ("kind_zalo", "Zalo account", "tài khoản Zalo"),
    ("kind_telegram", "Telegram account", "tài khoản Telegram"),
    ("kind_whats_app", "WhatsApp account", "tài khoản WhatsApp"),
    ("kind_facebook", "Facebook page", "trang Facebook"),
    ("kind_bank_account", "bank account", "tài khoản ngân hàng"),
    ("kind_e_wallet", "e-wallet", "ví điện tử"),
    ("kind_domain", "web domain", "tên miền"),
    ("kind_shop_name", "shop name", "tên cửa hàng"),
    (
        "kind_near_text",
        "near-identical text",
        "nội dung gần trùng khớp",
    ),
    (
        "complaints_title",
        "Hotline complaints",
        "Khiếu nại qua đường dây nóng",
    ),
    (
        "complaints_none",
        "No complaint names this seller.",
        "Không có khiếu nại nào nêu tên người bán này.",
    ),
    ("complaint_received", "Received", "Ngày nhận"),
    ("complaint_id", "Complaint", "Mã khiếu nại"),
    ("complaint_channel", "Channel", "Kênh"),
    (
        "complaint_shares",
        "Shared with this seller",
        "Điểm chung với người bán này",
    ),
    (
        "complaint_text",
        "What the consumer said",
        "Nội dung người tiêu dùng phản ánh",
    ),
    ("complaint_amount", "Amount lost", "Số tiền thiệt hại"),
    (
        "complaint_clipped",
        "shortened to this many characters:",
        "đã rút gọn, chỉ hiện số ký tự này:",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key a template asks for exists (a missing one would show as `?`).
    #[test]
    fn every_template_key_is_translated() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut checked = 0;
        for e in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            for part in text.split("tr.get(\"").skip(1) {
                let key = &part[..part.find('"').unwrap()];
                assert!(
                    STRINGS.iter().any(|(k, _, _)| *k == key),
                    "no string `{key}`"
                );
                checked += 1;
            }
        }
        assert!(checked > 50, "only {checked} keys found");
    }

    #[test]
    fn language_from_cookie_then_accept_language() {
        let mut h = HeaderMap::new();
        assert_eq!(Lang::of(&h), Lang::Vi);
        h.insert(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9".parse().unwrap());
        assert_eq!(Lang::of(&h), Lang::En);
        h.insert(header::COOKIE, "soi_lang=vi".parse().unwrap());
        assert_eq!(Lang::of(&h), Lang::Vi);
        assert_eq!(Tr(Lang::En).get("queue"), "Queue");
        assert_eq!(Tr(Lang::Vi).get("no such key"), "?");
        assert_eq!(Tr(Lang::Vi).find("no such key"), None);
        assert_eq!(Tr(Lang::En).find("kind_phone"), Some("phone number"));
        assert_eq!(Tr(Lang::Vi).kind("zalo"), "tài khoản Zalo");
        assert_eq!(Tr(Lang::En).kind("carrier_pigeon"), "carrier_pigeon");
    }
}
