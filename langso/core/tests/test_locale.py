"""The English catalogue is complete: Vietnamese is the source, English the second language."""

from __future__ import annotations

import ast
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils import translation


def test_every_message_has_an_english_translation() -> None:
    """msgfmt counts no fuzzy or untranslated entry and no format mismatch."""
    po = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
    done = subprocess.run(  # noqa: S603  # gettext's own checker on our own file
        ["msgfmt", "--check-format", "--statistics", "-o", "/dev/null", str(po)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "fuzzy" not in done.stderr
    assert "untranslated" not in done.stderr


def test_english_is_served_from_the_compiled_catalogue() -> None:
    """The set-up compiles the catalogue, so English pages are in English."""
    with translation.override("en"):
        assert translation.gettext("Đơn vị hành chính") == "Administrative units"


# --- No obsolete entries --------------------------------------------------------------
# Where a msgid may come from: Python sources and templates of the project, not their
# tests (which quote pages) nor migrations (which copy labels as they once were).
_SOURCE_ROOTS = ("langso", "config")
_SKIPPED_DIRS = {"tests", "migrations", "node_modules", "static"}
_PO_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_PO_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_TEMPLATE_TRANSLATE = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.*?)\1""", re.S)
_TEMPLATE_UNDERSCORE = re.compile(r"""\b_\((["'])(.*?)\1\)""", re.S)
_TEMPLATE_BLOCK = re.compile(
    r"{%\s*blocktrans(?:late)?\b[^%]*%}(.*?){%\s*endblocktrans(?:late)?\s*%}", re.S
)
_TEMPLATE_PLURAL = re.compile(r"{%\s*plural\s*%}")
_TEMPLATE_VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")


def _normal(text: str) -> str:
    """Texts compared whatever their line breaks and indentation."""
    return " ".join(text.split())


def _po_msgids(po: Path) -> list[str]:
    """Every msgid and msgid_plural of the catalogue but the header, unescaped."""
    found: list[str] = []
    current: list[str] | None = None
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith(("msgid ", "msgid_plural ")):
            if current is not None:
                found.append("".join(current))
            current = _PO_STRING.findall(line)
        elif line.startswith('"') and current is not None:
            current += _PO_STRING.findall(line)
        elif current is not None:
            found.append("".join(current))
            current = None
    texts = [re.sub(r"\\(.)", lambda m: _PO_ESCAPES.get(m[1], m[0]), t) for t in found]
    return [t for t in texts if t]


def _python_strings(source: str) -> Iterator[str]:
    """Every string constant, implicit concatenations joined (as `ast` gives them) and
    `"a" + "b"` folded."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = (getattr(side, "value", None) for side in (node.left, node.right))
            if isinstance(left, str) and isinstance(right, str):
                yield left + right


def _template_strings(source: str) -> Iterator[str]:
    """What {% translate %}, _("…") and {% blocktranslate %} (each of its plural forms,
    `{{ name }}` as `%(name)s`) give gettext: a literal % doubled, as Django looks it up."""
    for pattern in (_TEMPLATE_TRANSLATE, _TEMPLATE_UNDERSCORE):
        yield from (m[2].replace("%", "%%") for m in pattern.finditer(source))
    for block in _TEMPLATE_BLOCK.finditer(source):
        for form in _TEMPLATE_PLURAL.split(block[1]):
            yield _TEMPLATE_VARIABLE.sub(r"%(\1)s", form.replace("%", "%%"))


def _source_texts() -> set[str]:
    base = Path(settings.BASE_DIR)
    texts: set[str] = set()
    for root in _SOURCE_ROOTS:
        for path in (base / root).rglob("*"):
            if _SKIPPED_DIRS & set(path.relative_to(base).parts) or not path.is_file():
                continue
            if path.suffix == ".py":
                texts.update(_python_strings(path.read_text(encoding="utf-8")))
            elif path.suffix in {".html", ".txt"}:
                texts.update(_template_strings(path.read_text(encoding="utf-8")))
    return {_normal(t) for t in texts}


def test_every_message_of_the_catalogue_is_still_in_the_code() -> None:
    """A msgid no source gives gettext any more (its text was changed) is an obsolete
    entry: the English of an old wording, shipped for nothing."""
    po = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
    texts = _source_texts()
    obsolete = sorted({m for m in _po_msgids(po) if _normal(m) not in texts})
    assert not obsolete, f"{len(obsolete)} obsolete entries:\n" + "\n".join(obsolete)


def test_the_check_reads_msgids_as_gettext_does() -> None:
    """The reading the check relies on: a template's plural forms and variables, and
    Python's split strings, give the msgids makemessages would write."""
    template = (
        "{% blocktranslate count counter=n %}Một lỗi: {{ name }} 5%{% plural %}"
        "{{ counter }} lỗi{% endblocktranslate %} {% translate 'Lưu 0 %' %}"
    )
    assert set(_template_strings(template)) == {
        "Một lỗi: %(name)s 5%%",
        "%(counter)s lỗi",
        "Lưu 0 %%",
    }
    assert set(_python_strings('x = _("Một " "dòng")\ny = "a" + "b"')) >= {"Một dòng", "ab"}
