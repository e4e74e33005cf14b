"""No internal words shown to users (issue 15, item 9): signed in as each demo role, every
page reachable by links from the home page, in Vietnamese, shows in its visible text no
English value of the platform's choices ("commune_officer", "verified", "percent"), no
Python or YAML repr (`{'`, `None`, `True`, `: null`), no snake_case identifier, no ISO
date, no "điểm %" for a difference of percentages, and no internal code in place of a
name: an indicator's, a criteria set's, a region's or a commune group's code, or a unit's
code without the unit's name beside it.

Visible text is the text of elements, not attributes; `<code>`, `<pre>` and `<kbd>` show
on purpose a code a user needs (an address code, an ODK form id, a unit code to type),
and `<textarea>` holds what a user typed. Text is read by blocks (a table row, a list
item, a paragraph, a heading, an option…), so that a code is accepted when its name is
in the same row."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.apps import apps
from django.db import models
from django.http import HttpResponseBase
from django.test import Client
from django.urls import resolve
from openpyxl import load_workbook

from langso.criteria.models import CriteriaSet
from langso.indicators.models import IndicatorDefinition
from langso.places.models import AdminUnit

from .crawling import body, crawl, definitions, demo_like, is_html, tree, users

__all__ = ["definitions", "demo_like", "tree", "users"]

# Elements whose text is not read: not shown (script, style, template), or showing on
# purpose what a user needs to copy or typed (see the module's docstring).
NOT_READ = frozenset({"script", "style", "template", "code", "pre", "kbd", "textarea", "svg"})
# Elements whose text is read as one block; text outside them belongs to its nearest
# enclosing element.
BLOCKS = frozenset(
    {"tr", "li", "p", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "option", "caption"}
    | {"legend", "label", "summary", "title", "figcaption", "blockquote", "button"}
)
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr", "param"}
)
# Values of the platform's choices that are also Vietnamese words written without
# diacritics: each reason is given.
ENUM_VALUES_ALLOWED = {
    # Kind.XA is "xa"; "xa" (far) is a Vietnamese word ("ở xa").
    "xa",
    # Kind.BAN is "ban"; "ban" is a Vietnamese word ("ban hành", "Ban chỉ đạo").
    "ban",
    # Kind.QUAN is "quan"; "quan" is part of Vietnamese words ("cảnh quan", "cơ quan").
    "quan",
    # Kind.TINH is "tinh"; "tinh" is a Vietnamese word ("vệ tinh", "tinh thần").
    "tinh",
}
REPRS = ("{'", "['", "[]", "{}", ": null", "None", "True", "False", "điểm %")
WORD = re.compile(r"\w+(?:[-.]\w+)*")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# Numbers that are not unit codes: a dd/mm/yyyy date, a time, a fraction ("3/4"), a legal
# document's number ("01/HD-STTTT", "51/2025/QĐ-TTg").
NOT_CODES = re.compile(r"\w+(?:/[\w-]+)+|\b\d{1,2}:\d{2}\b")
# A block that names a code as one ("Mã 37001", "mã thôn, ví dụ 37001-01") shows it as a
# code, not in place of a name: a unit's own page, a field asking for a code.
NAMES_A_CODE = re.compile(r"\b[Mm]ã\b")


def _choices_classes(cls: type[models.Choices]) -> Iterator[type[models.Choices]]:
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("langso."):
            yield sub
        yield from _choices_classes(sub)


def choice_labels() -> dict[str, set[str]]:
    """Every value of every choices class of the platform (loaded with its models) that
    is a word, with its labels (in Vietnamese): a page shows the label, not the value."""
    apps.check_models_ready()
    labels: dict[str, set[str]] = {}
    for cls in _choices_classes(models.Choices):
        for value, label in cls.choices:
            if isinstance(value, str) and re.fullmatch(r"\w+", value) and not value.isdigit():
                labels.setdefault(value, set()).add(str(label))
    return labels


class _VisibleText(HTMLParser):
    """The visible text of a page, by block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = [[]]
        # Open elements: tag, the block its text belongs to, whether it hides its text.
        self.stack: list[tuple[str, int, bool]] = [("", 0, False)]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        block = self.stack[-1][1]
        if tag in BLOCKS or not self._in_block():
            self.blocks.append([])
            block = len(self.blocks) - 1
        self.stack.append((tag, block, tag in NOT_READ or "hidden" in dict(attrs)))

    def _in_block(self) -> bool:
        return any(tag in BLOCKS for tag, _block, _hides in self.stack)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip() and not any(hides for _tag, _block, hides in self.stack):
            self.blocks[self.stack[-1][1]].append(data)


def visible_blocks(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    texts = (" ".join(" ".join(block).split()) for block in parser.blocks)
    return [text for text in texts if text]


class Words:
    """What a page must not show: choice values, and codes with the names that must
    stand beside them."""

    def __init__(self, *, enum_values: set[str], names: dict[str, set[str]]) -> None:
        self.enum_values = enum_values
        self.names = names

    @classmethod
    def of_platform(cls) -> Words:
        """The platform's choice values, and the codes whose names exist: an
        indicator's, a criteria set's, a unit's."""
        names: dict[str, set[str]] = {}
        for code, name in IndicatorDefinition.objects.values_list("code", "name_vi"):
            names.setdefault(code, set()).add(name)
        for code, name in CriteriaSet.objects.values_list("code", "name_vi"):
            names.setdefault(code, set()).add(name)
        for code, name, short_name in AdminUnit.objects.values_list("code", "name", "short_name"):
            names.setdefault(code, set()).update({name, short_name})
        # Upper-case values are codes (a region's "TDMNPB", a group's "NHOM_1"): shown
        # beside their label they name it, as an abbreviation does.
        values = choice_labels()
        names |= {value: labels for value, labels in values.items() if value.isupper()}
        lower = {value for value in values if not value.isupper()}
        return cls(enum_values=lower - ENUM_VALUES_ALLOWED, names=names)

    def findings(self, text: str) -> Iterator[str]:
        for repr_ in REPRS:
            word = rf"(?<!\w){repr_}(?!\w)" if repr_.isalpha() else re.escape(repr_)
            if re.search(word, text):
                yield f"“{repr_}”"
        if match := ISO_DATE.search(text):
            yield f"ISO date {match.group()}"
        names_a_code = bool(NAMES_A_CODE.search(text))
        for word in WORD.findall(NOT_CODES.sub(" ", text)):
            if word in self.enum_values:
                yield f"choice value {word}"
            elif "_" in word.strip("_") and word not in self.names:
                yield f"identifier {word}"
            elif (
                word in self.names
                and not names_a_code
                and not any(name in text for name in self.names[word])
            ):
                yield f"code {word} without its name"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Downloads a person fills in for the platform (or ODK) to read, whose keys and values
# are the file format's own: a survey form's XLSForm or XForm, the criteria catalogue's
# import template, the plan's spreadsheet of targets.
FILES_FOR_MACHINES = frozenset(
    {"surveys:version-download", "criteria:import", "plans:targets-template"}
)


def _shown_cells(header: list[str], rows: list[list[str]]) -> list[str]:
    """A table's cells but those of its code columns (a header starting with "Mã": the
    unit's, the set's code, which readers match their own files by)."""
    shown = [i for i, title in enumerate(header) if not NAMES_A_CODE.match(title)]
    return [row[i] for row in rows for i in shown if i < len(row) and row[i]]


def download_cells(response: HttpResponseBase) -> list[str]:
    """The cells a person reads in a CSV or XLSX download (every sheet of a workbook)."""
    content = body(response)
    if str(response.get("Content-Type", "")).startswith("text/csv"):
        header, *rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
        return _shown_cells(header, rows)
    cells: list[str] = []
    for sheet in load_workbook(io.BytesIO(content), read_only=True).worksheets:
        table = [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
        if table:
            cells += _shown_cells(table[0], table[1:])
    return cells


def _texts(url: str, response: HttpResponseBase) -> list[str]:
    if response.status_code != 200:
        return []
    if is_html(response):
        return visible_blocks(body(response).decode())
    if resolve(urlsplit(url).path).view_name in FILES_FOR_MACHINES:
        return []
    if str(response.get("Content-Type", "")).startswith(("text/csv", XLSX)):
        return download_cells(response)
    return []


def test_no_page_shows_internal_words(demo_like: dict[str, Client]) -> None:
    """Each role's pages and CSV/XLSX downloads, in Vietnamese, show names, labels and
    dd/mm/yyyy dates, never codes, enum values or reprs. The failure lists each word
    with its page and text."""
    words = Words.of_platform()
    report: set[str] = set()
    for role, client in demo_like.items():
        client.cookies["django_language"] = "vi"
        for page in crawl(client):
            for text in _texts(page.url, page.response):
                report.update(
                    f"{role}: {page.url}: {finding} in “{text[:160]}”"
                    for finding in words.findings(text)
                )
    assert not report, "Internal words shown to users:\n" + "\n".join(sorted(report))


def test_the_choice_values_are_read_from_every_app() -> None:
    """Values of choices in models, roles and evaluation statuses are all collected."""
    values = choice_labels()
    assert {"commune_officer", "verified", "assessed", "percent", "province"} <= set(values)
    assert {"TDMNPB", "NHOM_1", "moved_away", "not_home"} <= set(values)
    assert values["NHOM_1"] == {"Xã nhóm 1"}


def test_the_reader_finds_each_kind_of_internal_word() -> None:
    """The page reader itself: visible text only, by block, and each kind of finding."""
    html = (
        "<html><head><title>Hộ</title><script>var a = {'x': None};</script></head><body>"
        "<table><tr><td>Trạng thái</td><td>verified</td></tr>"
        "<tr><td>Ghi chú</td><td>{'a': 1}</td></tr></table>"
        "<p>Mã hộ <code>commune_officer</code></p><ul><li>Ngày 2026-01-02</li>"
        "<li>Chênh lệch 3,0 điểm %</li><li>hh_smartphone_rate</li><li>Xã 37001</li>"
        "<li>37001 · Xã An Bình</li><li>Mã 37001</li><li>Theo 01/HD-STTTT, 3/4 thôn</li>"
        '<li hidden>False</li><li><a href="/x" title="None">Cập nhật 01/02/2026 10:30</a></li>'
        "</ul></body></html>"
    )
    blocks = visible_blocks(html)
    assert "Trạng thái verified" in blocks
    assert not any("var a" in block or "commune_officer" in block for block in blocks)
    assert "Cập nhật 01/02/2026 10:30" in blocks
    words = Words(enum_values={"verified"}, names={"37001": {"Xã An Bình"}})
    found = [finding for block in blocks for finding in words.findings(block)]
    assert found == [
        "choice value verified",
        "“{'”",
        "ISO date 2026-01-02",
        "“điểm %”",
        "identifier hh_smartphone_rate",
        "code 37001 without its name",
    ]
