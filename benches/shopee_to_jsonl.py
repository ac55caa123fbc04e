#!/usr/bin/env python3
"""Converts the Shopee Taiwan sample (../shared/data/shopee_tw_rebrowser_sample) into JSON Lines
listings in the `soi score` / `soi publish` input format. The output is data, not code: write it
under .cache/ (ignored), never commit it.

usage: shopee_to_jsonl.py CSV OUT.jsonl
"""
import csv
import json
import sys

csv.field_size_limit(1 << 30)

# shopLocation holds a Taiwanese district for domestic shops and a country for foreign ones.
COUNTRIES = {"越南": "VN", "印尼": "ID", "中國大陸": "CN", "韓國": "KR", "日本": "JP",
             "馬來西亞": "MY", "香港": "HK", "海外": "ZZ"}


def text_of(description):
    try:
        parts = json.loads(description)
        return "".join(p.get("t", "") for p in parts if isinstance(p, dict)).strip()
    except (ValueError, TypeError):
        return description or ""


def iso(t):
    return t.replace(" ", "T")[:19] + "Z" if t else None


def number(v, scale=1.0):
    try:
        return float(v) / scale
    except (TypeError, ValueError):
        return None


def main(src, dst):
    n = 0
    with open(src, newline="", encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for row in csv.DictReader(f):
            title = (row.get("title") or "").strip()
            if not title:
                continue
            cats = []
            try:
                cats = [c.get("display_name") or c.get("name") for c in json.loads(row["categories"] or "[]")]
            except (ValueError, AttributeError):
                pass
            loc = row.get("shopLocation") or ""
            seller = {
                "id": row["shopId"],
                "name": row.get("shopName") or None,
                "country": COUNTRIES.get(loc, "TW"),
                "ship_from": loc or None,
                "joined_at": iso(row.get("shopCreatedAt")),
                "rating": number(row.get("shopRating")),
                "followers": int(number(row.get("shopFollowerCount")) or 0),
                "official": row.get("isOfficialShop") == "true",
                "verified": row.get("isShopeeVerified") == "true",
            }
            listing = {
                "id": row["itemId"],
                "marketplace": "shopee_tw",
                "title": title,
                "description": text_of(row.get("description")),
                "price": number(row.get("priceMin"), 100000.0),
                "currency": row.get("currency") or "TWD",
                "category": next((c for c in reversed(cats) if c), None),
                "observed_at": iso(row.get("_firstSeenAt")),
                "seller": {k: v for k, v in seller.items() if v is not None},
            }
            out.write(json.dumps({k: v for k, v in listing.items() if v is not None}, ensure_ascii=False))
            out.write("\n")
            n += 1
    print(f"wrote {n} listings to {dst}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
