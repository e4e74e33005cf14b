"""`{% load abbreviations %}`: `{% explained %}…{% endexplained %}` wraps the
abbreviations in the shown text of what it encloses; `{{ value|abbr }}` those of one
value. See `langso.core.abbreviations`."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import NodeList, Parser, Token
from django.utils.safestring import SafeString

from langso.core.abbreviations import explain_html, explain_text

register = template.Library()


@register.filter(name="abbr", is_safe=True)
def abbr(value: Any) -> SafeString:
    if isinstance(value, SafeString):
        return explain_html(value)
    return explain_text(value)


class ExplainedNode(template.Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        return explain_html(self.nodelist.render(context))


@register.tag(name="explained")
def explained(parser: Parser, token: Token) -> ExplainedNode:
    nodelist = parser.parse(("endexplained",))
    parser.delete_first_token()
    return ExplainedNode(nodelist)
