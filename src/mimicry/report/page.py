"""Render a self-contained HTML page from the jinja2 templates in ``templates/`` (autoescaped).

The page shell (``base.html.j2``) holds the inline CSS and a
Content-Security-Policy meta tag that forbids every network request (only
``data:`` images and the inline style are allowed), so the page opens offline
and cannot fetch anything even if a link slipped in. There is no script.

The helpers here only shape data for the macros of ``macros.html.j2``
(cards, tables, figures); every text reaches the page through autoescape.
"""

from __future__ import annotations

import base64
import functools
import html
from pathlib import Path
from typing import Iterable, Sequence

#: The policy written by ``base.html.j2`` (kept here for reference and tests).
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
TEMPLATES = Path(__file__).with_name("templates")


@functools.lru_cache(maxsize=1)
def _environment():
    import jinja2  # noqa: PLC0415  (keeps ``import mimicry`` cheap)
    import markupsafe  # noqa: PLC0415

    def escape(value):
        # Autoescape stays on; this only spells quotes as html.escape does (&#x27; &quot;).
        if hasattr(value, "__html__"):
            return value
        return markupsafe.Markup(html.escape(str(value), quote=True))

    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                              finalize=escape)


def render(template: str, **context) -> str:
    """The page ``template`` (a file in ``templates/``) rendered with ``context``."""
    return _environment().get_template(template).render(**context)


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def figure(png: bytes, alt: str, caption: str = "", cls: str = "") -> dict:
    """A figure for the ``figure`` macro: the PNG as a ``data:`` URI."""
    return {"src": data_uri(png), "alt": alt, "caption": caption, "cls": cls}


def card(label: str, value: str, note: str = "", tone: str = "") -> dict:
    """A card for the ``card`` macro (a value longer than 9 characters is set as words)."""
    return {"label": label, "value": value, "note": note, "tone": tone}


def table(header: Sequence[str], rows: Iterable[Sequence], numeric: Sequence[bool] = (),
          row_classes: Sequence[str] = ()) -> dict:
    """A table for the ``table`` macro; a cell is text or a :func:`dot`."""
    return {"header": list(header), "rows": [list(r) for r in rows], "numeric": list(numeric),
            "row_classes": list(row_classes)}


def dot(condition: str) -> dict:
    """A table cell: a dot in the colour of the condition, then its name."""
    return {"dot": str(condition)}


def summary_paragraphs(text: str) -> list[tuple[str, str]]:
    """The plain-language summary as (class, text), one paragraph per line.

    Indented lines are ``indent``; explanations in brackets are ``quiet``.
    """
    parts = []
    for line in text.splitlines():
        body = line.strip()
        if not body:
            continue
        parts.append(("indent" if line.startswith("  ") else
                      "quiet" if body.startswith("(") else "", body))
    return parts
