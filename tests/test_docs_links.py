"""The README and the docs read on their own from a fresh clone: every relative link
names a file of the repository, every `#anchor` a heading of its page (as GitHub makes
the anchor), and no link leaves the repository (the design notes once lived beside it,
in ../shared, which a clone does not have)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("**/*.md")])

FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
# [text](target) and ![alt](target); the text may hold code spans, already removed.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$", re.MULTILINE)
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
# Files that lived beside the checkout, never in it.
OUTSIDE = ("../shared", "/work/", "DESIGN.md", "STYLE.md")
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _prose(text: str) -> str:
    """The page without code: a link shown in a code block is not a link."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: its text as rendered (no emphasis or code marks, a
    link's text alone), lowercased, keeping letters with their diacritics, digits,
    underscores and hyphens, dropping other punctuation, each space a hyphen."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = text.replace("`", "").replace("*", "")
    text = re.sub(r"(?<!\w)_+|_+(?!\w)", "", text)
    kept = (c for c in text.lower() if unicodedata.category(c)[0] in "LMN" or c in "-_ ")
    return "".join(kept).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every anchor of `page`; a repeated heading's anchors get -1, -2, … as on GitHub."""
    seen: dict[str, int] = {}
    found = set()
    for match in HEADING.finditer(FENCE.sub("", page.read_text(encoding="utf-8"))):
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(page: Path) -> list[str]:
    prose = _prose(page.read_text(encoding="utf-8"))
    return [m.group(1) for m in LINK.finditer(prose)] + REFERENCE.findall(prose)


def dangling(page: Path, root: Path = ROOT) -> list[str]:
    """Each link of `page` that leads nowhere in the repository at `root`, with the
    reason."""
    problems = []
    for target in links(page):
        if EXTERNAL.match(target):
            continue
        path_part, _, anchor = target.partition("#")
        if path_part.startswith("/"):
            problems.append(f"{target}: an absolute path, not a link within the repository")
            continue
        linked = (page.parent / path_part).resolve() if path_part else page
        if not linked.is_relative_to(root):
            problems.append(f"{target}: leaves the repository")
            continue
        if not linked.exists():
            problems.append(f"{target}: no such file")
            continue
        if anchor:
            if linked.suffix != ".md":
                problems.append(f"{target}: an anchor into a file that is not Markdown")
            elif anchor not in anchors(linked):
                problems.append(f"{target}: no heading with the anchor #{anchor}")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_link_of_the_docs_leads_to_a_file_and_heading_of_the_repository(
    page: Path,
) -> None:
    """A link to a missing file, a missing heading, or outside the checkout is named
    with the page that holds it."""
    assert dangling(page) == []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_no_page_sends_the_reader_outside_the_repository(page: Path) -> None:
    """The design notes and the house style were once kept beside the checkout
    (../shared/DESIGN.md, STYLE.md); what a newcomer needs of them is in docs/ now, and
    no page, in a link or in prose, names them as if a clone had them."""
    text = page.read_text(encoding="utf-8")
    assert [name for name in OUTSIDE if name in text] == []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_pages_are_written_in_composed_unicode(page: Path) -> None:
    """Vietnamese is written composed (NFC), as keyboards type it: a search for "tiêu
    chí" finds the page, and a heading's anchor is the one a link spells."""
    text = page.read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", text) == text


def test_the_pages_are_found() -> None:
    """The README and the architecture notes are among the pages checked, so that a
    moved docs folder does not leave the test checking nothing."""
    names = {str(page.relative_to(ROOT)) for page in PAGES}
    assert {"README.md", "docs/architecture.md", "docs/glossary.md"} <= names


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("NTM criteria", "ntm-criteria"),
        ("Across the 2025 merger", "across-the-2025-merger"),
        ("From a submission to a household", "from-a-submission-to-a-household"),
        ("Tiêu chí của xã", "tiêu-chí-của-xã"),
        ("Exports: JSON, CSV and XLSX", "exports-json-csv-and-xlsx"),
        ("`core` — the kernel", "core--the-kernel"),
        ("Where a new module goes (and why)", "where-a-new-module-goes-and-why"),
        ("snake_case names", "snake_case-names"),
        ("Tie\u0302u chi\u0301", "tie\u0302u-chi\u0301"),
    ],
)
def test_anchors_are_made_as_github_makes_them(heading: str, anchor: str) -> None:
    """Diacritics and underscores are kept, punctuation and code marks dropped, spaces
    become hyphens (an em dash between spaces leaves two)."""
    assert slug(heading) == anchor


def test_a_dangling_link_is_found(tmp_path: Path) -> None:
    """The check fails on each kind of bad link and passes the good ones, so that it
    cannot pass by finding no links at all."""
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "docs" / "other.md").write_text("# Other\n\n## Tiêu chí\n", encoding="utf-8")
    (repo / "LICENSE").write_text("", encoding="utf-8")
    page = repo / "docs" / "page.md"
    page.write_text(
        "# Title\n\n## Part two\n\n"
        "[ok](other.md#tiêu-chí) [licence](../LICENSE) [self](#part-two)\n"
        "[web](https://example.org/x.md#y) [mail](mailto:a@example.org)\n"
        "[gone](#part-three) [file](missing.md) [heading](other.md#nowhere)\n"
        "[shared](../../shared/DESIGN.md) [abs](/etc/passwd) [anchor](../LICENSE#x)\n"
        "`[in code](missing.md)`\n\n```\n[in a block](missing.md)\n```\n",
        encoding="utf-8",
    )
    assert [problem.split(": ")[0] for problem in dangling(page, root=repo)] == [
        "#part-three",
        "missing.md",
        "other.md#nowhere",
        "../../shared/DESIGN.md",
        "/etc/passwd",
        "../LICENSE#x",
    ]
