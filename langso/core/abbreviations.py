"""Abbreviations explained in place (issue 15, item 8): officers write NTM, HTX, OCOP,
UBND in names and notes; a first-time reader, on a phone too, learns what they stand for
where they are shown. One dictionary; pages use it through the `abbreviations` template
library (`{% explained %}` around a page's content, `|abbr` on one value)."""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

ABBREVIATIONS: dict[str, str | Promise] = {
    "NTM": _("Nông thôn mới"),
    "HTX": _("Hợp tác xã"),
    "OCOP": _("Chương trình Mỗi xã một sản phẩm"),
    "CĐS": _("Chuyển đổi số"),
    "UBND": _("Ủy ban nhân dân"),
    "HĐND": _("Hội đồng nhân dân"),
    "MTTQ": _("Mặt trận Tổ quốc"),
    "VietGAP": _("Thực hành sản xuất nông nghiệp tốt ở Việt Nam"),
    "CNTT": _("Công nghệ thông tin"),
    "ĐTTM": _("Điện thoại thông minh"),
    "BHYT": _("Bảo hiểm y tế"),
    "THCS": _("Trung học cơ sở"),
    "THPT": _("Trung học phổ thông"),
}

# Longest first, so that no abbreviation is cut by a shorter one it contains. Letters,
# digits and hyphens around a match make it part of another word ("HTXs", "QĐ-TTg-1").
_WORD = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
    + r")(?![\w-])"
)
# Markup: a tag or a comment. Text between them is what a reader sees.
_MARKUP = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
# Elements whose text is not shown as text, or is already explained, or is a control's
# value, or is drawn (an <abbr> inside SVG is an unknown SVG element: its text would not
# be drawn at all): their content is left alone.
_RAW = ("script", "style", "textarea", "option", "title", "abbr", "pre", "code", "svg")
_OPENS = re.compile(r"<(" + "|".join(_RAW) + r")\b", re.IGNORECASE)
_CLOSES = re.compile(r"</(" + "|".join(_RAW) + r")\s*>", re.IGNORECASE)


class _Explainer:
    """Wraps abbreviations in <abbr title="…">; the first of each on the page can take
    the focus (a tap on a phone), where the stylesheet shows the meaning after it."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, match: re.Match[str]) -> str:
        short = match.group(1)
        focus = "" if short in self.seen else ' tabindex="0"'
        self.seen.add(short)
        return f'<abbr title="{escape(ABBREVIATIONS[short])}"{focus}>{short}</abbr>'


def explain_html(html: str) -> SafeString:
    """`html` (already safe markup) with the abbreviations of its shown text wrapped;
    tags, attributes, comments and raw elements (scripts, options, …) are untouched."""
    explainer = _Explainer()
    out: list[str] = []
    raw_depth = 0
    for index, part in enumerate(_MARKUP.split(html)):
        if index % 2:
            if _OPENS.match(part) and not part.endswith("/>"):
                raw_depth += 1
            elif _CLOSES.match(part):
                raw_depth = max(0, raw_depth - 1)
            out.append(part)
        else:
            out.append(part if raw_depth else _WORD.sub(explainer, part))
    return mark_safe("".join(out))  # noqa: S308  # only <abbr> added around escaped text's words


def explain_text(text: object) -> SafeString:
    """Plain text, escaped, with its abbreviations wrapped."""
    return explain_html(escape(text))
