#!/usr/bin/env python3
"""Writes the bundled demo marketplace ("Chợ Demo") as static HTML.

Every shop, listing and phone number here is invented for the demo: the honest listings and the
scam patterns are written by the soi project to show the kinds of fraud seen on Vietnamese
marketplaces. Phone numbers use the 0900 000 xxx range and domains the reserved .example TLD.
Re-run after editing the catalogue: python3 pipelines/demo-site/generate.py
"""
import html
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
PER_PAGE = 12

# id, name, country, ship_from, joined, rating, rating_count, followers, official, verified
SELLERS = [
    ("s01", "Nhà sách Phương Nam Demo", "VN", "TP. Hồ Chí Minh", "2016-03-01", 4.9, 12840, 120500, True, True),
    ("s02", "Điện máy Hà Nội", "VN", "Hà Nội", "2018-07-12", 4.8, 5310, 48200, True, True),
    ("s03", "Green Garden Shop", "VN", "Đà Lạt", "2019-05-20", 4.7, 880, 6100, False, True),
    ("s04", "Thời trang Mai", "VN", "Hà Nội", "2020-09-02", 4.6, 1520, 9800, False, False),
    ("s05", "Shenzhen Tech Official", "CN", "Shenzhen, CN", "2021-01-15", 4.5, 2210, 15400, True, True),
    ("s06", "Apple Store Giá Sốc", "VN", "TP. Hồ Chí Minh", "2026-11-10", 5.0, 12, 35, False, False),
    ("s07", "Shop Quà Tặng Tri Ân", "VN", "Hà Nội", "2026-11-01", 4.9, 8, 20, False, False),
    ("s08", "Thảo Dược Gia Truyền Ông Lang", "VN", "Hòa Bình", "2026-08-20", 4.8, 40, 150, False, False),
    ("s09", "Kho Hàng Hà Nội Giá Rẻ", "CN", "Guangzhou, CN", "2026-10-05", 4.7, 30, 90, False, False),
    ("s10", "Luxury Brand Outlet VN", "VN", "TP. Hồ Chí Minh", "2026-11-18", 5.0, 5, 12, False, False),
    ("s11", "Sale Sập Sàn 11.11", "VN", "Bình Dương", "2026-10-28", 4.9, 15, 60, False, False),
    ("s12", "Hang Xach Tay Gia Si", "VN", "Hà Nội", "2026-11-20", 5.0, 3, 9, False, False),
]

# id, seller, category, title, description, price (VND), images, reviews [(text, rating)]
LISTINGS = [
    ("1001", "s01", "Sách", "Đắc Nhân Tâm (bìa mềm, tái bản 2025)",
     "Sách chính hãng từ NXB Tổng hợp TP.HCM. Giao hàng toàn quốc, được kiểm tra hàng trước khi thanh toán. Đổi trả trong 7 ngày nếu lỗi in ấn.",
     86000, 4, [("Sách đẹp, giao nhanh, đóng gói cẩn thận.", 5), ("Giấy hơi mỏng nhưng giá hợp lý.", 4)]),
    ("1002", "s01", "Sách", "Bộ sách Harry Potter tiếng Việt (7 tập)",
     "Trọn bộ 7 tập, bản dịch Lý Lan, hộp cứng. Thanh toán khi nhận hàng (COD).",
     1250000, 6, [("Con mình rất thích, hộp đẹp.", 5)]),
    ("1003", "s01", "Sách", "English Grammar in Use, 5th edition",
     "Original Cambridge edition with answers. Ships from our Ho Chi Minh City store within 2 days. Cash on delivery available.",
     420000, 3, [("Genuine book, good print quality.", 5)]),
    ("1004", "s02", "Điện máy", "Tủ lạnh Inverter 2 cánh 322 lít",
     "Bảo hành chính hãng 24 tháng tại trung tâm bảo hành. Giao và lắp đặt miễn phí nội thành Hà Nội. Xuất hóa đơn VAT.",
     9490000, 8, [("Tủ chạy êm, tiết kiệm điện.", 5), ("Giao hơi chậm một ngày.", 4)]),
    ("1005", "s02", "Điện máy", "Quạt đứng 5 cánh điều khiển từ xa",
     "Công suất 55W, 3 chế độ gió, hẹn giờ 7.5 tiếng. Bảo hành 12 tháng. Thanh toán khi nhận hàng.",
     690000, 5, [("Quạt mát, chạy êm.", 5)]),
    ("1006", "s02", "Điện máy", "Máy hút bụi cầm tay không dây 150W",
     "Pin 2500mAh, thời gian dùng 35 phút. Hàng chính hãng, bảo hành 12 tháng, đổi mới trong 30 ngày nếu lỗi nhà sản xuất.",
     2190000, 6, [("Hút khỏe, pin ổn.", 5)]),
    ("1007", "s03", "Nhà cửa & Đời sống", "Organic potting soil, 20 litre bag",
     "Mixed with coconut coir and composted manure, suitable for vegetables and houseplants. Pay on delivery, free returns within 7 days.",
     95000, 2, [("Good soil, my herbs grow well.", 5)]),
    ("1008", "s03", "Nhà cửa & Đời sống", "Set of 3 ceramic plant pots with drainage trays",
     "Hand-glazed pots made in Bat Trang, diameters 12, 15 and 18 cm. Carefully packed; breakage replaced free of charge.",
     260000, 5, [("Beautiful glaze, arrived intact.", 5), ("Smaller than I expected.", 3)]),
    ("1009", "s04", "Thời trang", "Áo sơ mi nữ linen tay lỡ",
     "Chất linen thoáng mát, may tại xưởng Hà Nội. Size S đến XL, được kiểm tra hàng trước khi nhận.",
     259000, 4, [("Vải mát, form đẹp.", 5)]),
    ("1010", "s04", "Thời trang", "Chân váy chữ A công sở",
     "Vải tuyết mưa, có lót trong. Đổi size miễn phí trong 7 ngày.",
     199000, 3, [("Mặc đi làm rất hợp.", 4)]),
    ("1011", "s05", "Điện thoại & Phụ kiện", "USB-C fast charger 65W GaN (ships from Shenzhen)",
     "Official store of the manufacturer, ships from Shenzhen, China; delivery to Vietnam in 7 to 12 days. CE and FCC certified. 12-month warranty through the marketplace.",
     450000, 5, [("Charges my laptop fine, delivery took 10 days as stated.", 5)]),
    ("1012", "s05", "Điện thoại & Phụ kiện", "Tai nghe bluetooth TWS chống ồn (hàng quốc tế)",
     "Hàng quốc tế gửi từ Thâm Quyến, Trung Quốc, thời gian giao 7-12 ngày. Bảo hành 6 tháng qua sàn.",
     390000, 4, [("Âm thanh ổn so với giá.", 4)]),
    ("2001", "s06", "Điện thoại & Phụ kiện", "iPhone 15 Pro Max 256GB hàng chính hãng VN/A giá sốc",
     "Hàng chính hãng Apple, nguyên seal, bảo hành 12 tháng. Số lượng có hạn! Ib zalo 0900 000 101 để được giá tốt nhất. Vui lòng chuyển khoản trước 50% để giữ hàng, shop giao trong ngày.",
     2500000, 3, [("Hàng tốt lắm shop ơi 5 sao", 5), ("Hàng tốt lắm shop ơi 5 sao", 5), ("uy tín", 5)]),
    ("2002", "s06", "Điện thoại & Phụ kiện", "Samsung Galaxy S24 Ultra chính hãng chỉ 1tr990",
     "Cam kết hàng chính hãng 100%. Không giao COD, chỉ nhận chuyển khoản trước. Kết bạn zalo 0900 000 101 để xem hàng thật.",
     1990000, 2, [("giao nhanh", 5)]),
    ("2003", "s06", "Điện thoại & Phụ kiện", "AirPods Pro 2 hàng chính hãng Apple giá 350k",
     "Hàng chính hãng fullbox. Inbox shop qua Zalo để đặt hàng, thanh toán chuyển khoản trước.",
     350000, 2, []),
    ("3001", "s07", "Quà tặng", "Chúc mừng bạn trúng thưởng xe máy SH 150i - tri ân khách hàng",
     "Bạn là khách hàng may mắn được tặng miễn phí xe SH nhân dịp sinh nhật sàn. Để nhận quà, vui lòng chuyển khoản phí vận chuyển 1.500.000đ vào tài khoản Vietcombank 0900000777 và xác nhận tại tri-an-khach-hang.example",
     0, 1, [("mình đã nhận được quà thật luôn", 5)]),
    ("3002", "s07", "Quà tặng", "Quà tặng 100% - nhận ngay điện thoại miễn phí",
     "Chương trình giveaway tri ân: tặng miễn phí 100 điện thoại. Chỉ cần đóng phí làm hồ sơ 500k qua MoMo 0900 000 777. Chi tiết tại tri-an-khach-hang.example",
     0, 1, []),
    ("4001", "s08", "Sức khỏe", "Cao thảo dược gia truyền chữa khỏi tiểu đường sau 7 ngày",
     "Bài thuốc gia truyền 5 đời, chữa khỏi hoàn toàn tiểu đường, huyết áp, khỏi hẳn không tái phát. Cam kết trị dứt điểm hoặc hoàn tiền. Liên hệ zalo 0900 000 202 để được lương y tư vấn.",
     850000, 2, [("Bố tôi uống 1 tuần là khỏi hẳn", 5), ("Thuốc thần kỳ", 5)]),
    ("4002", "s08", "Sức khỏe", "Trà giảm cân thần tốc giảm 10kg trong 1 tuần",
     "Giảm cân cấp tốc, không cần ăn kiêng, không tác dụng phụ. Chữa khỏi béo phì vĩnh viễn. Đặt hàng qua zalo 0900 000 202.",
     390000, 2, [("giảm 10kg thật", 5)]),
    ("4003", "s08", "Sức khỏe", "Viên uống thảo mộc trị dứt điểm ung thư giai đoạn đầu",
     "Sản phẩm thiên nhiên chữa khỏi ung thư, tiêu u bướu sau 1 liệu trình. Chuyển khoản trước để được giao nhanh.",
     1200000, 1, []),
    ("5001", "s09", "Gia dụng", "Nồi chiên không dầu 8L hàng Việt Nam chất lượng cao",
     "Hàng Việt Nam chất lượng cao, kho Hà Nội, ship từ HCM trong 1 ngày. Cam kết hàng sản xuất trong nước.",
     450000, 4, [("ok", 5)]),
    ("5002", "s09", "Gia dụng", "Bộ nồi inox 5 đáy hàng Việt Nam xuất khẩu",
     "Sản xuất tại Việt Nam, hàng có sẵn tại kho Hà Nội, giao nhanh 2h nội thành.",
     320000, 3, [("giao lâu hơn 2 tuần chứ không phải 2h", 2)]),
    ("5003", "s09", "Làm đẹp", "Son môi hàng Việt Nam an toàn cho bà bầu",
     "Hàng Việt Nam, kho Hà Nội, ship từ HCM. Thành phần tự nhiên.",
     79000, 2, []),
    ("6001", "s10", "Túi xách", "Gucci Marmont shoulder bag 100% authentic, only $25",
     "100% authentic, brand new with receipt. Huge clearance, limited stock! Contact us on Telegram @luxdeal_vn or WhatsApp +84 900 000 303 to order. Payment by bank transfer before shipping.",
     650000, 3, [("Real leather, amazing deal!!!", 5), ("Real leather, amazing deal!!!", 5)]),
    ("6002", "s10", "Đồng hồ", "Rolex Submariner genuine, clearance 2 million VND",
     "Genuine Rolex, papers included. Only 3 left, offer ends tonight. Message Telegram @luxdeal_vn; deposit 30% before delivery.",
     2000000, 2, []),
    ("7001", "s11", "Điện máy", "Máy hút bụi Dyson V15 chính hãng giảm 90% chỉ 1tr5",
     "Dyson V15 hàng chính hãng, giảm giá 90% duy nhất hôm nay. Khách đặt cọc 30% trước khi giao, phần còn lại thanh toán khi nhận.",
     1500000, 3, [("Đặt rồi chờ shop giao", 4)]),
    ("7002", "s11", "Điện máy", "Nồi cơm điện cao tần chính hãng chỉ 199k, chỉ còn 2 suất",
     "Chính hãng Nhật Bản, chỉ còn 2 suất giá sốc, đặt cọc 100k để giữ suất. Hết giờ là hết ưu đãi!",
     199000, 2, []),
    ("8001", "s12", "Điện thoại & Phụ kiện", "Dong ho Apple Watch Ultra 2 hang chinh hang gia 1tr",
     "hang chinh hang 100%, bao hanh 1 nam. inbox z@lo 0 9 0 0 . 0 0 0 . 4 0 4 de dc gia si. ck truoc ship lien",
     1000000, 1, [("sp tot", 5)]),
    ("8002", "s12", "Túi xách", "Tui LV xach tay Phap auth 100% gia 900k",
     "Hàng xách tay Pháp, auth 100%. Add zalo: 0900.000.404 xem anh that. Chuyen khoan truoc moi gui hang.",
     900000, 2, []),
]

SELLER_BY_ID = {s[0]: s for s in SELLERS}

STYLE = """body{font-family:system-ui,sans-serif;max-width:960px;margin:0 auto;padding:1rem;color:#222}
header{border-bottom:3px solid #e4572e;margin-bottom:1rem}a{color:#0b5ea8}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:1rem}
.card{border:1px solid #ddd;border-radius:6px;padding:.75rem}.price{color:#e4572e;font-weight:bold}
.review{border-top:1px solid #eee;padding:.4rem 0}"""


def vnd(n):
    return "{:,.0f}".format(n).replace(",", ".") + "đ"


def page(title, body, jsonld=None):
    ld = ""
    if jsonld is not None:
        ld = '<script type="application/ld+json">\n' + json.dumps(jsonld, ensure_ascii=False, indent=1) + "\n</script>\n"
    return f"""<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{html.escape(title)} | Chợ Demo</title>
<meta property="og:site_name" content="Chợ Demo">
<meta property="og:title" content="{html.escape(title)}">
<style>{STYLE}</style>
{ld}</head>
<body>
<header><h1><a href="/index.html">Chợ Demo</a></h1><p>Sàn thương mại điện tử mô phỏng cho bản demo của soi / a simulated marketplace for the soi demo. Mọi cửa hàng và sản phẩm ở đây đều là hư cấu.</p></header>
{body}
</body>
</html>
"""


def seller_ld(s):
    sid, name, country, ship_from, joined, rating, rcount, followers, official, verified = s
    return {
        "@type": "Organization",
        "identifier": sid,
        "name": name,
        "url": f"/sellers/{sid}.html",
        "address": {"@type": "PostalAddress", "addressCountry": country},
        "additionalProperty": [{"@type": "PropertyValue", "name": "shipFrom", "value": ship_from}],
    }


def listing_page(l):
    lid, sid, cat, title, desc, price, images, reviews = l
    s = SELLER_BY_ID[sid]
    ld = {
        "@context": "https://schema.org",
        "@type": "Product",
        "sku": lid,
        "name": title,
        "description": desc,
        "category": cat,
        "image": [f"/img/{lid}-{i}.jpg" for i in range(1, images + 1)],
        "offers": {
            "@type": "Offer",
            "price": price,
            "priceCurrency": "VND",
            "url": f"/listings/{lid}.html",
            "availability": "https://schema.org/InStock",
            "seller": seller_ld(s),
        },
    }
    if reviews:
        ld["review"] = [
            {"@type": "Review", "reviewBody": t, "reviewRating": {"@type": "Rating", "ratingValue": r}}
            for t, r in reviews
        ]
    revs = "".join(
        f'<div class="review"><b>{"★" * r}</b> {html.escape(t)}</div>' for t, r in reviews
    ) or "<p>Chưa có đánh giá.</p>"
    body = f"""<main>
<h2>{html.escape(title)}</h2>
<p class="price">{vnd(price)}</p>
<p>Danh mục: {html.escape(cat)}</p>
<p>Người bán: <a href="/sellers/{sid}.html">{html.escape(s[1])}</a></p>
<section><h3>Mô tả</h3><p>{html.escape(desc)}</p></section>
<section><h3>Đánh giá</h3>{revs}</section>
</main>"""
    return page(title, body, ld)


def seller_page(s):
    sid, name, country, ship_from, joined, rating, rcount, followers, official, verified = s
    ld = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "identifier": sid,
        "name": name,
        "url": f"/sellers/{sid}.html",
        "foundingDate": joined,
        "address": {"@type": "PostalAddress", "addressCountry": country},
        "aggregateRating": {"@type": "AggregateRating", "ratingValue": rating, "ratingCount": rcount},
        "additionalProperty": [
            {"@type": "PropertyValue", "name": "shipFrom", "value": ship_from},
            {"@type": "PropertyValue", "name": "followers", "value": followers},
            {"@type": "PropertyValue", "name": "official", "value": official},
            {"@type": "PropertyValue", "name": "verified", "value": verified},
        ],
    }
    items = "".join(
        f'<li><a href="/listings/{l[0]}.html">{html.escape(l[3])}</a></li>' for l in LISTINGS if l[1] == sid
    )
    body = f"""<main>
<h2>{html.escape(name)}</h2>
<p>Quốc gia: {country} · Giao từ: {html.escape(ship_from)} · Tham gia: {joined}</p>
<p>Đánh giá {rating}/5 ({rcount} lượt) · {followers} người theo dõi{' · Mall' if official else ''}{' · Đã xác minh' if verified else ''}</p>
<h3>Sản phẩm</h3><ul>{items}</ul>
</main>"""
    return page(name, body, ld)


def index_pages():
    pages = [LISTINGS[i:i + PER_PAGE] for i in range(0, len(LISTINGS), PER_PAGE)]
    out = {}
    for n, chunk in enumerate(pages, start=1):
        name = "index.html" if n == 1 else f"page-{n}.html"
        cards = "".join(
            f'<div class="card"><a href="/listings/{l[0]}.html">{html.escape(l[3])}</a>'
            f'<p class="price">{vnd(l[5])}</p><p><a href="/sellers/{l[1]}.html">{html.escape(SELLER_BY_ID[l[1]][1])}</a></p></div>'
            for l in chunk
        )
        nav = ""
        if n > 1:
            prev = "index.html" if n == 2 else f"page-{n - 1}.html"
            nav += f'<a rel="prev" href="/{prev}">« Trang trước</a> '
        if n < len(pages):
            nav += f'<a rel="next" href="/page-{n + 1}.html">Trang sau »</a>'
        body = f'<main><h2>Sản phẩm mới (trang {n}/{len(pages)})</h2><div class="grid">{cards}</div><nav>{nav}</nav></main>'
        out[name] = page(f"Trang {n}", body)
    return out


def write(rel, text):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    for name, text in index_pages().items():
        write(name, text)
    for l in LISTINGS:
        write(f"listings/{l[0]}.html", listing_page(l))
    for s in SELLERS:
        write(f"sellers/{s[0]}.html", seller_page(s))
    write("robots.txt", "User-agent: *\nDisallow: /admin/\n")
    print(f"wrote {len(LISTINGS)} listings, {len(SELLERS)} sellers")


if __name__ == "__main__":
    main()
