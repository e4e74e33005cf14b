"""Abbreviations explained in place: the shown text's NTM, HTX, … are wrapped in <abbr>
with their meaning; markup, attributes, scripts and options are left as they were."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template, engines
from django.test import RequestFactory

from langso.core.abbreviations import explain_html, explain_text


def test_known_abbreviations_are_wrapped_with_their_meaning() -> None:
    """Each known abbreviation of the text gets a title; the first of each is focusable
    (a tap on a phone shows the meaning), later ones are not."""
    html = explain_text("Tiêu chí NTM: HTX và NTM")
    assert html == (
        'Tiêu chí <abbr title="Nông thôn mới" tabindex="0">NTM</abbr>: '
        '<abbr title="Hợp tác xã" tabindex="0">HTX</abbr> và '
        '<abbr title="Nông thôn mới">NTM</abbr>'
    )


def test_only_whole_words_are_wrapped() -> None:
    """Letters or hyphens around an abbreviation make it part of another word."""
    assert explain_text("HTXs NTMx xNTM NTM-2") == "HTXs NTMx xNTM NTM-2"
    assert 'title="Ủy ban nhân dân"' in explain_text("(UBND)")


def test_text_is_escaped_before_it_is_wrapped() -> None:
    assert explain_text("<b>OCOP</b>") == (
        '&lt;b&gt;<abbr title="Chương trình Mỗi xã một sản phẩm" tabindex="0">OCOP</abbr>&lt;/b&gt;'
    )


def test_markup_scripts_options_and_existing_abbr_are_left_alone() -> None:
    """Attributes, scripts, options, text areas, SVG drawings and an <abbr> already
    written keep their text; the text between tags is explained."""
    html = (
        '<a href="/x?q=NTM" title="NTM">Xã NTM</a>'
        '<script type="application/json">{"a": "HTX"}</script>'
        '<select><option value="HTX">HTX</option></select>'
        "<textarea>UBND</textarea><abbr title='x'>UBND</abbr><!-- OCOP -->"
        '<svg viewBox="0 0 9 9"><text x="1">HTX</text></svg> UBND'
    )
    assert explain_html(html) == (
        '<a href="/x?q=NTM" title="NTM">Xã <abbr title="Nông thôn mới" tabindex="0">NTM</abbr>'
        '</a><script type="application/json">{"a": "HTX"}</script>'
        '<select><option value="HTX">HTX</option></select>'
        "<textarea>UBND</textarea><abbr title='x'>UBND</abbr><!-- OCOP -->"
        '<svg viewBox="0 0 9 9"><text x="1">HTX</text></svg> '
        '<abbr title="Ủy ban nhân dân" tabindex="0">UBND</abbr>'
    )


def test_template_filter_and_block() -> None:
    """`|abbr` explains one value (escaping it); `{% explained %}` a whole block."""
    template = Template(
        "{% load abbreviations %}{{ name|abbr }}|"
        "{% explained %}<b>{{ other }}</b>{% endexplained %}"
    )
    rendered = template.render(Context({"name": "HTX <1>", "other": "VietGAP"}))
    assert rendered == (
        '<abbr title="Hợp tác xã" tabindex="0">HTX</abbr> &lt;1&gt;|'
        '<b><abbr title="Thực hành sản xuất nông nghiệp tốt ở Việt Nam" tabindex="0">'
        "VietGAP</abbr></b>"
    )


def test_pages_explain_the_abbreviations_of_their_content(rf: RequestFactory) -> None:
    """Every page's content passes through the block in base.html; the head and the
    navigation do not (the brand's "Làng Số" title and the menu keep their text)."""
    request = rf.get("/")
    request.user = AnonymousUser()
    page = engines["django"].from_string(
        '{% extends "base.html" %}{% block title %}HTX{% endblock %}'
        "{% block content %}<h1>Sổ HTX</h1>{% endblock %}"
    )
    html = page.render({}, request=request)
    head, main = html.split("<main", 1)
    assert "<title>HTX · Làng Số</title>" in head
    assert "<abbr" not in head
    assert '<h1>Sổ <abbr title="Hợp tác xã" tabindex="0">HTX</abbr></h1>' in main
