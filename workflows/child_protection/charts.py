"""Bar charts drawn on the server as SVG (no script, no CDN): what people would rather look at than read.

Each chart is horizontal bars with the label on the left and the number on the right, scaled to the largest
value; the numbers are also in the table beside it and in Excel (a chart never carries a figure alone).
"""

from __future__ import annotations

from html import escape

ROW, LABEL_W, BAR_W, NUM_W = 22, 300, 360, 60


def bar_chart(counts: dict[str, int], names: dict[str, str], title: str) -> str:
    """An accessible SVG (``role="img"``, a <title>) with one bar per key of ``counts``."""
    rows = list(counts.items())
    top = max((n for _k, n in rows), default=0)
    height = ROW * max(len(rows), 1) + 6
    width = LABEL_W + BAR_W + NUM_W
    out = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
           f'width="100%" preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>']
    for i, (key, n) in enumerate(rows):
        y = 3 + i * ROW
        w = 0 if not top else round(BAR_W * n / top, 1)
        label = escape(names.get(key, key))
        out.append(f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end" font-size="13">{label}</text>')
        out.append(f'<rect data-key="{escape(key)}" x="{LABEL_W}" y="{y + 2}" width="{w}" height="{ROW - 6}" '
                   f'fill="#2b6cb0"><title>{label}: {n}</title></rect>')
        out.append(f'<text x="{LABEL_W + w + 6}" y="{y + 15}" font-size="13">{n}</text>')
    out.append("</svg>")
    return "".join(out)
