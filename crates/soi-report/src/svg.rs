//! Charts as inline SVG: no script, no network, the same bytes for the same numbers, and they
//! print as vectors.

use crate::html::esc;

const BAR: &str = "#c0392b";
const COLUMN: &str = "#2e6da4";

/// Horizontal bars, one per `(label, value)`.
pub fn bars(title: &str, rows: &[(String, usize)]) -> String {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row_h) = (220.0, 300.0, 26.0);
    let h = 30.0 + row_h * rows.len() as f64;
    let mut s = format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"{h}\" \
         viewBox=\"0 0 600 {h}\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>\n",
        t = esc(title)
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = 20.0 + row_h * i as f64;
        let w = (bar_w * *v as f64 / max as f64).max(2.0);
        s.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty}\" font-size=\"12\" text-anchor=\"end\">{l}</text>\
             <rect x=\"{x}\" y=\"{y}\" width=\"{w:.1}\" height=\"18\" fill=\"{BAR}\"/>\
             <text x=\"{vx:.1}\" y=\"{ty}\" font-size=\"12\">{v}</text>\n",
            lx = label_w - 8.0,
            ty = y + 13.0,
            l = esc(label),
            x = label_w,
            vx = label_w + w + 6.0,
        ));
    }
    s.push_str("</svg>");
    s
}

/// Vertical columns over time, one per `(period, value)`.
pub fn columns(title: &str, rows: &[(String, usize)]) -> String {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let n = rows.len().max(1) as f64;
    let (w, plot_h, top) = (600.0, 160.0, 20.0);
    let col_w = ((w - 80.0) / n).min(60.0);
    let mut s = format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"230\" \
         viewBox=\"0 0 {w} 230\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>\n\
         <line x1=\"60\" y1=\"{base}\" x2=\"{w}\" y2=\"{base}\" stroke=\"#555\"/>\n",
        t = esc(title),
        base = top + plot_h
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let h = (plot_h * *v as f64 / max as f64).max(2.0);
        let x = 64.0 + col_w * i as f64;
        let y = top + plot_h - h;
        s.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{cw:.1}\" height=\"{h:.1}\" fill=\"{COLUMN}\"/>\
             <text x=\"{cx:.1}\" y=\"{vy:.1}\" font-size=\"11\" text-anchor=\"middle\">{v}</text>\
             <text x=\"{cx:.1}\" y=\"{ly:.1}\" font-size=\"10\" text-anchor=\"end\" \
             transform=\"rotate(-45 {cx:.1} {ly:.1})\">{l}</text>\n",
            cw = col_w * 0.8,
            cx = x + col_w * 0.4,
            vy = y - 3.0,
            ly = top + plot_h + 14.0,
            l = esc(label),
        ));
    }
    s.push_str("</svg>");
    s
}
