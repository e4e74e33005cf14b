"""PDF documents, one way: HTML made by a template, printed by WeasyPrint.

Vietnamese needs a font with its stacked diacritics (ệ, ữ, ặ); the PDF embeds DejaVu Sans
from Debian's `fonts-dejavu-core`, so a report reads the same on any reader, whatever
fonts it has. WeasyPrint would fetch whatever a document names (an image on another
server, a file of this one); ours fetches only `data:` URLs and those font files, so that
a name or a note printed in a report can never make the server read a file or a URL."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # WeasyPrint ships no type hints
from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]  # as above
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]  # as above

from .qr import qr_png

FONT_PACKAGE = "fonts-dejavu-core"
# Debian and Ubuntu put the package's files in the first; other systems in the others.
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)
FONT_FILES = {"normal": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}

# A4 with room at the top for the verification QR (`verification_mark`), the page
# number in the bottom margin, tables with borders that repeat their header rows.
DEFAULT_CSS = """
@page {
  size: A4;
  margin: 34mm 15mm 18mm 20mm;
  @top-right { content: element(verification); vertical-align: top; width: 70mm; }
  @bottom-center { content: %(page)s counter(page) "/" counter(pages);
                   font-family: "LangSo Sans"; font-size: 8pt; color: #444; }
}
html { font-family: "LangSo Sans"; font-size: 10pt; line-height: 1.35; color: #000; }
h1 { font-size: 14pt; text-align: center; margin: 6mm 0 2mm; }
h2 { font-size: 11.5pt; margin: 5mm 0 2mm; break-after: avoid; }
table { width: 100%%; border-collapse: collapse; margin: 2mm 0 4mm; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 0.5pt solid #000; padding: 1mm 1.5mm; vertical-align: top; text-align: left; }
th { background: #eee; font-weight: bold; }
.num { text-align: right; }
.center { text-align: center; }
.muted { color: #555; }
/* The heading of a Vietnamese administrative document (Decree 30/2020/NĐ-CP): the
   issuing body on the left, the national motto on the right, the date under it. */
table.letterhead { margin: 0 0 4mm; }
table.letterhead td { border: 0; text-align: center; width: 50%%; padding: 0 1mm; }
.letterhead .issuer, .letterhead .motto { font-weight: bold; }
.letterhead .motto-words { font-weight: bold; text-decoration: underline; }
.letterhead .dated { font-style: italic; padding-top: 2mm; }
table.facts th { width: 35%%; }
.signature { margin: 8mm 0 0 50%%; text-align: center; break-inside: avoid; }
.hash { overflow-wrap: anywhere; }
.verification { position: running(verification); text-align: right; font-size: 6.5pt;
                color: #333; overflow-wrap: anywhere; }
.verification img { width: 21mm; height: 21mm; }
"""


class PdfFetchRefused(ValueError):
    """A document named a resource other than a `data:` URL or the embedded fonts."""


@cache
def font_files(dirs: Sequence[Path] = FONT_DIRS) -> dict[str, Path]:
    """The regular and bold DejaVu Sans files, from the first folder that has both."""
    for folder in dirs:
        found = {weight: folder / name for weight, name in FONT_FILES.items()}
        if all(path.is_file() for path in found.values()):
            return found
    raise ImproperlyConfigured(
        f"PDF documents need the DejaVu Sans fonts ({', '.join(FONT_FILES.values())}): "
        f"install the Debian package {FONT_PACKAGE} (looked in "
        f"{', '.join(str(d) for d in dirs)})."
    )


class PdfUrlFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint's class is untyped
    """WeasyPrint's fetcher, narrowed to `data:` URLs and the embedded font files: no
    network, no other file of the server."""

    def __init__(self, fonts: dict[str, Path]) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.allowed_files = frozenset(path.as_uri() for path in fonts.values())

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        # Compared whole: no prefix test, which `..` or a query would get around.
        if url.startswith("data:") or url in self.allowed_files:
            return super().fetch(url, headers)
        raise PdfFetchRefused(f"Refused to fetch {url[:200]} for a PDF document.")


def _font_faces(fonts: dict[str, Path]) -> str:
    return "".join(
        f'@font-face {{ font-family: "LangSo Sans"; font-weight: {weight}; '
        f'src: url("{path.as_uri()}"); }}\n'
        for weight, path in fonts.items()
    )


def pdf_from_html(html: str, *, stylesheet: str = "") -> bytes:
    """The PDF of a complete HTML document (a template's output), on A4 with the
    default stylesheet and then `stylesheet` (the document's own), DejaVu Sans embedded
    and page numbers "Trang x/y". Put `verification_mark(url)` first in the body for
    the QR on each page."""
    fonts = font_files()
    fetcher = PdfUrlFetcher(fonts)
    font_config = FontConfiguration()
    default = CSS(
        string=_font_faces(fonts) + DEFAULT_CSS % {"page": _css_string(_("Trang") + " ")},
        font_config=font_config,
        url_fetcher=fetcher,
    )
    stylesheets = [default]
    if stylesheet:
        stylesheets.append(CSS(string=stylesheet, font_config=font_config, url_fetcher=fetcher))
    document = HTML(string=html, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=stylesheets, font_config=font_config)
    return pdf


def _css_string(text: str) -> str:
    """`text` as a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def verification_mark(url: str) -> SafeString:
    """The QR of `url` with "Xác minh: <url>" under it, for the top-right margin of every
    page (a running element the default stylesheet places). The QR is inlined as a
    `data:` URL: the document fetches nothing."""
    png = base64.b64encode(qr_png(url, box_size=6)).decode("ascii")
    return format_html(
        '<div class="verification"><img src="data:image/png;base64,{}" alt=""><br>{}</div>',
        png,
        _("Xác minh: %(url)s") % {"url": url},
    )


def pdf_response(content: bytes, *, name: str) -> HttpResponse:
    """A generated PDF shown in the browser (inline) under `name`, never kept by a shared
    cache, as `core.files.file_response` sends stored files."""
    response = HttpResponse(content, content_type="application/pdf")
    disposition = content_disposition_header(as_attachment=False, filename=name)
    if disposition:
        response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response
