"""The site's colours, defined once: the stylesheet is rendered from them and the tests compute their WCAG contrast
ratios from them (text 4.5:1 against every background it is shown on, lines and borders 3:1, WCAG 2.2 AA).

A span's layer (`content.Site.layer`) picks its colours: a background tint and a line colour. Evidence with a stance
is drawn in the stance's colour; every value of the stance vocabulary needs one (a test holds STANCE to the model).
"""

from __future__ import annotations

PAGE = "#ffffff"
INK = "#1b1b1f"  # body text
MUTED = "#4f5560"  # secondary text
LINK = "#0b57d0"
FOCUS = "#1b1b1f"
PANEL = "#f5f6f8"  # popups, context blocks, table headers
RULE = "#767b85"  # borders of panels and inputs (3:1 on PAGE)

# layer -> (background, line): the background is under the text of the span, the line is drawn below or around it
LAYERS = {
    "mention": ("#dbe9ff", "#2a5db0"),
    "quote": ("#f1e5fc", "#7a3fb0"),
    "excluded": ("#ececec", "#6b6f76"),
    "evidence": (None, "#007088"),
    "other": ("#fbe8d3", "#975a16"),
}
EXCLUDED_INK = "#4a4d52"  # the greyed text of excluded spans

# stance -> (line, badge background); badges carry white text
STANCE = {
    "supports": ("#1d7a35", "#1d7a35"),
    "refutes": ("#c4262e", "#b3222a"),
    "qualifies": ("#a35a00", "#8f4f00"),
}
BADGE_INK = "#ffffff"
STATUS = "#3d4350"  # badge background of a claim's status


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def pairs() -> list[tuple[str, str, str, float]]:
    """(what, foreground, background, minimum ratio) for every pairing the stylesheet shows."""
    backgrounds = {"page": PAGE, "panel": PANEL} | {f"{k} tint": bg for k, (bg, _) in LAYERS.items() if bg}
    out = []
    for where, bg in backgrounds.items():
        out += [(f"text on {where}", INK, bg, 4.5), (f"secondary text on {where}", MUTED, bg, 4.5),
                (f"link on {where}", LINK, bg, 4.5), (f"focus ring on {where}", FOCUS, bg, 3.0),
                (f"excluded text on {where}", EXCLUDED_INK, bg, 4.5)]
        out += [(f"{k} line on {where}", line, bg, 3.0) for k, (_, line) in LAYERS.items()]
        out += [(f"{k} line on {where}", line, bg, 3.0) for k, (line, _) in STANCE.items()]
    out.append(("rule on page", RULE, PAGE, 3.0))
    out += [(f"{k} badge", BADGE_INK, badge, 4.5) for k, (_, badge) in STANCE.items()]
    out.append(("status badge", BADGE_INK, STATUS, 4.5))
    return out


def css_variables() -> str:
    """The palette as CSS custom properties (the stylesheet's :root)."""
    lines = {"page": PAGE, "ink": INK, "muted": MUTED, "link": LINK, "focus": FOCUS, "panel": PANEL, "rule": RULE,
             "excluded-ink": EXCLUDED_INK, "badge-ink": BADGE_INK, "status-badge": STATUS}
    for k, (bg, line) in LAYERS.items():
        lines[f"{k}-bg"] = bg or "transparent"
        lines[f"{k}-line"] = line
    for k, (line, badge) in STANCE.items():
        lines[f"{k}-line"] = line
        lines[f"{k}-badge"] = badge
    return "\n".join(f"  --{k}: {v};" for k, v in lines.items())
