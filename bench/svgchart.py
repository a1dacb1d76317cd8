"""Grouped bar charts as plain SVG for the benchmark reports (Debian's /usr/bin/python3, standard
library only): one group per cell (e.g. size and sessions), one bar per target, the bar at the
median, a whisker from min to max, the median written above it.
"""
from xml.sax.saxutils import escape

COLOURS = {"steward": "#2b6cb0", "steward-dkim": "#63b3ed", "postfix": "#c05621", "opensmtpd": "#2f855a",
           "exim": "#805ad5"}
NAMES = {"steward": "Steward", "steward-dkim": "Steward + DKIM", "postfix": "Postfix", "opensmtpd": "OpenSMTPD",
         "exim": "Exim"}


def name(target):
    return NAMES.get(target, target)


def bar_chart(path, title, groups, series, y_label="messages/s", label="", notes=()):
    """groups: list of (line1, line2) labels; series: list of (target, [summary or None per group]),
    a summary being (median, min, max). Writes the SVG to path."""
    n_groups, n_series = max(1, len(groups)), max(1, len(series))
    bar_w = 22 if n_series > 3 else 34
    group_w = max(110, bar_w * n_series + 30)
    left, right, top, bottom = 70, 20, 50, 90
    # at least wide enough for the title and the legend; the groups share whatever width there is
    width = max(left + right + group_w * n_groups, 820)
    group_w = (width - left - right) / n_groups
    height = 440
    plot_h = height - top - bottom
    values = [v for _, sums in series for s in sums if s for v in s]
    top_value = max(values + [1.0])
    step = 10 ** (len(str(int(top_value))) - 1)
    axis_max = step * (int(top_value / step) + 1)
    y = lambda v: top + plot_h - plot_h * v / axis_max
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">'
           % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>' % (left, escape(title))]
    if label:
        out.append('<text x="%d" y="40" fill="#b00" font-weight="bold">%s: not the benchmark of record</text>'
                   % (left, escape(label)))
    for i in range(6):
        v = axis_max * i / 5
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>' % (left, width - right, y(v), y(v)))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>' % (left - 6, y(v) + 4, "%g" % v))
    out.append('<text x="16" y="%d" transform="rotate(-90 16 %d)" text-anchor="middle">%s</text>'
               % (top + plot_h // 2, top + plot_h // 2, escape(y_label)))
    for gi, (line1, line2) in enumerate(groups):
        x0 = left + gi * group_w + (group_w - bar_w * len(series)) / 2
        for si, (target, sums) in enumerate(series):
            s = sums[gi] if gi < len(sums) else None
            x = x0 + si * bar_w
            if not s:
                out.append('<text x="%.1f" y="%.1f" text-anchor="middle" font-size="9" fill="#999">n/a</text>'
                           % (x + (bar_w - 4) / 2, y(0) - 4))
                continue
            med, lo, hi = s
            out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>'
                       % (x, y(med), bar_w - 4, y(0) - y(med), COLOURS.get(target, "#555")))
            cx = x + (bar_w - 4) / 2
            if hi > lo:
                out.append('<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="black"/>' % (cx, cx, y(lo), y(hi)))
                for yy in (y(lo), y(hi)):
                    out.append('<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="black"/>'
                               % (cx - 4, cx + 4, yy, yy))
            text = ("%d" % round(med)) if med >= 10 else ("%.1f" % med)
            out.append('<text x="%.1f" y="%.1f" text-anchor="middle" font-size="9">%s</text>'
                       % (cx, min(y(hi), y(med)) - 4, text))
        gx = left + gi * group_w + group_w / 2
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (gx, height - bottom + 18, escape(line1)))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (gx, height - bottom + 34, escape(line2)))
    lx = left
    for target, _ in series:
        out.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>'
                   % (lx, height - 42, COLOURS.get(target, "#555")))
        out.append('<text x="%d" y="%d">%s</text>' % (lx + 16, height - 32, escape(name(target))))
        lx += 130
    if notes:
        out.append('<text x="%d" y="%d" fill="#666" font-size="11">%s</text>' % (left, height - 12, escape(" · ".join(notes))))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
