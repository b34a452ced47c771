"""`{% once "name" vary… %}…{% endonce %}`: the enclosed template rendered once per process for each
value of `vary…`, then served from memory (ADR 1005).

For the parts of the page frame that depend on nothing of the request but what `vary` names: the
static asset links, the government banner, the navigation of a role. Whatever the block shows must be
fixed by the code, the settings and its `vary` values; never put a CSRF token, a badge count, a
message or anything read from the database inside one. The memory is bounded by the few values `vary`
takes (a role, a marking).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_rendered: dict[tuple[Any, ...], SafeString] = {}
LIMIT = 512  # distinct (name, vary…) values kept; past that, rendered every time


class OnceNode(template.Node):
    def __init__(self, name: str, vary: list[FilterExpression], nodelist: NodeList) -> None:
        self.name, self.vary, self.nodelist = name, vary, nodelist

    def render(self, context: Context) -> str:
        key = (self.name, *(v.resolve(context) for v in self.vary))
        html = _rendered.get(key)
        if html is None:
            html = mark_safe(self.nodelist.render(context))  # noqa: S308 - the block's own rendering, autoescaped
            if len(_rendered) < LIMIT:
                _rendered[key] = html
        return html


@register.tag("once")
def do_once(parser: Parser, token: Token) -> OnceNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('{% once "name" vary… %} needs a quoted name')
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    return OnceNode(bits[1][1:-1], [parser.compile_filter(b) for b in bits[2:]], nodelist)


def forget() -> None:
    """Tests that change settings or URLs the frame shows."""
    _rendered.clear()
