"""`{% tablewrap %}…{% endtablewrap %}`: the one wrapper every data table sits in.

A table wider than the screen scrolls inside its wrapper instead of the page (WCAG
1.4.10, reflow at 320 px). A scrollable region must be reachable by keyboard (WCAG
2.1.1): the wrapper is focusable, a named region, and takes its name from the table's
caption, so nobody writes a label twice. Where a table has no caption, pass one:
`{% tablewrap label=_("Helps logged") %}`. Loaded as a template builtin (settings)."""

from __future__ import annotations

import re
from html import unescape

from django import template
from django.template.base import FilterExpression, Parser, Token
from django.template.context import Context
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.DOTALL | re.IGNORECASE)


def caption_text(table_html: str) -> str:
    """The plain text of the first caption in the rendered table, or ""."""
    found = CAPTION.search(table_html)
    if not found:
        return ""
    return " ".join(unescape(strip_tags(found.group(1))).split())


class TableWrapNode(template.Node):
    def __init__(self, nodelist: template.NodeList, label: FilterExpression | None) -> None:
        self.nodelist = nodelist
        self.label = label

    def render(self, context: Context) -> SafeString:
        inner = self.nodelist.render(context)
        label = str(self.label.resolve(context)) if self.label is not None else ""
        label = label or caption_text(inner)
        if not label:
            raise template.TemplateSyntaxError(
                "{% tablewrap %} needs a table with a <caption> or a label=…"
            )
        opening = format_html(
            '<div class="table-wrap" tabindex="0" role="region" aria-label="{}">', label
        )
        return mark_safe(f"{opening}{inner}</div>")  # noqa: S308 -- inner is rendered template output


@register.tag
def tablewrap(parser: Parser, token: Token) -> TableWrapNode:
    bits = token.split_contents()[1:]
    label = None
    for bit in bits:
        name, _, value = bit.partition("=")
        if name != "label" or not value:
            raise template.TemplateSyntaxError("{% tablewrap %} takes only label=…")
        label = parser.compile_filter(value)
    nodelist = parser.parse(("endtablewrap",))
    parser.delete_first_token()
    return TableWrapNode(nodelist, label)


@register.filter(is_safe=True)
def with_place(title: str, request: object) -> SafeString:
    """A page title, then the hub (or programme) of the request, unless the title already
    names it: a coordinator of two hubs tells their tabs apart (WCAG 2.4.2)."""
    title = str(title).strip()
    place = getattr(request, "hub", None) or getattr(request, "programme", None)
    name = escape(str(getattr(place, "name", "") or ""))
    if name and name not in title:
        title = f"{title} · {name}" if title else name
    return mark_safe(title)  # noqa: S308 -- the rendered block, and the escaped name
