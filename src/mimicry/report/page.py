"""A self-contained HTML page: inline CSS, images as ``data:`` URIs, no script.

A Content-Security-Policy meta tag forbids every network request (only
``data:`` images and the inline style are allowed), so the page opens offline
and cannot fetch anything even if a link slipped in.
"""

from __future__ import annotations

import base64
import html
from typing import Iterable, Sequence

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

STYLE = """
:root { --text:#1e1e1e; --muted:#5a5a5a; --line:#e2e2dc; --panel:#f6f6f3; --accent:#1f7a8c;
        --happy:#f08a24; --sad:#2e6fba; --neutral:#8c8c8c; --warn:#fff1cc; }
* { box-sizing: border-box; }
body { margin:0; background:#ecece8; color:var(--text);
       font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1120px; margin: 0 auto; background:#fff; padding: 28px 40px 40px;
       min-height: 100vh; }
header { border-bottom: 3px solid var(--accent); padding-bottom: 14px; margin-bottom: 8px; }
header h1 { margin: 0; font-size: 28px; letter-spacing: -0.01em; }
header .sub { color: var(--muted); font-size: 14px; margin-top: 2px; }
h2 { font-size: 20px; margin: 32px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 16px; margin: 18px 0 6px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px;
         margin: 18px 0 6px; }
.card { background: var(--panel); border-radius: 8px; padding: 12px 14px;
        border-left: 5px solid var(--accent); }
.card .label { font-size: 12px; text-transform: uppercase; letter-spacing: .05em;
               color: var(--muted); }
.card .value { font-size: 26px; font-weight: 700; line-height: 1.2; margin-top: 2px; }
.card .value.text { font-size: 19px; line-height: 1.25; }
.card .note { font-size: 13px; color: var(--muted); }
.card.good { border-left-color: #23914a; } .card.bad { border-left-color: #c0392b; }
.card.plain { border-left-color: var(--neutral); }
.summary p { margin: 0 0 8px; font-size: 17px; }
.summary p.quiet { color: var(--muted); font-size: 14px; }
.summary p.indent { margin-left: 24px; font-size: 15px; }
figure { margin: 10px 0 4px; }
figure img { width: 100%; height: auto; display: block; border: 1px solid var(--line);
             border-radius: 6px; }
figure.half img { max-width: 640px; }
figcaption { color: var(--muted); font-size: 14px; margin-top: 6px; }
table { border-collapse: collapse; font-size: 14px; margin: 8px 0; width: 100%; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left;
         vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.kv th { width: 32%; background: none; font-weight: 500; color: var(--muted); }
tr.invalid td { color: #9a9a9a; }
.dot { display:inline-block; width:10px; height:10px; border-radius:50%; margin-right:6px; }
.warn { background: var(--warn); border-radius: 6px; padding: 10px 14px; margin: 12px 0;
        font-size: 15px; }
.warn ul { margin: 4px 0 0; padding-left: 20px; }
.explain { color: var(--muted); font-size: 14px; max-width: 860px; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
footer { margin-top: 36px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--line);
         padding-top: 10px; }
@media (max-width: 800px) { main { padding: 16px; } .two { grid-template-columns: 1fr; } }
@media print { body { background: #fff; } main { padding: 0; } h2 { break-after: avoid; }
               figure { break-inside: avoid; } }
"""


def esc(x) -> str:
    return html.escape(str(x), quote=True)


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def figure(png: bytes, alt: str, caption: str = "", cls: str = "") -> str:
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    klass = f" class='{esc(cls)}'" if cls else ""
    return f"<figure{klass}><img alt='{esc(alt)}' src='{data_uri(png)}'>{cap}</figure>"


def card(label: str, value: str, note: str = "", tone: str = "") -> str:
    cls = f"card {tone}".strip()
    note_html = f"<div class='note'>{esc(note)}</div>" if note else ""
    value_cls = "value text" if len(value) > 9 else "value"  # words, not a number
    return (f"<div class='{cls}'><div class='label'>{esc(label)}</div>"
            f"<div class='{value_cls}'>{esc(value)}</div>{note_html}</div>")


def table(header: Sequence[str], rows: Iterable[Sequence], numeric: Sequence[bool] = (),
          row_classes: Sequence[str] = ()) -> str:
    """An HTML table; cells are escaped unless wrapped in :class:`Raw`."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = []
    row_classes = list(row_classes)
    for i, row in enumerate(rows):
        cells = []
        for j, c in enumerate(row):
            cls = " class='num'" if j < len(numeric) and numeric[j] else ""
            cells.append(f"<td{cls}>{c if isinstance(c, Raw) else esc(c)}</td>")
        rc = f" class='{row_classes[i]}'" if i < len(row_classes) and row_classes[i] else ""
        body.append(f"<tr{rc}>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def kv_table(items: Iterable[tuple[str, object]]) -> str:
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{v if isinstance(v, Raw) else esc(v)}</td></tr>"
                   for k, v in items)
    return f"<table class='kv'><tbody>{rows}</tbody></table>"


class Raw(str):
    """HTML that :func:`table` and :func:`kv_table` insert as it is."""


def dot(condition: str) -> Raw:
    return Raw(f"<span class='dot' style='background:var(--{esc(condition)}, #8c8c8c)'></span>"
               f"{esc(condition)}")


def summary_paragraphs(text: str) -> str:
    """The plain-language summary, one paragraph per line (explanations in brackets quieter)."""
    parts = []
    for line in text.splitlines():
        body = esc(line.strip())
        if not body:
            continue
        if line.startswith("  "):
            parts.append(f"<p class='indent'>{body}</p>")
        elif body.startswith("("):
            parts.append(f"<p class='quiet'>{body}</p>")
        else:
            parts.append(f"<p>{body}</p>")
    return "<div class='summary'>" + "".join(parts) + "</div>"


def warnings_box(warnings: Sequence[str], title: str = "Please note") -> str:
    if not warnings:
        return ""
    items = "".join(f"<li>{esc(w)}</li>" for w in warnings)
    return f"<div class='warn'><b>{esc(title)}</b><ul>{items}</ul></div>"


def page(title: str, subtitle: str, body: str, footer: str) -> str:
    """The whole document."""
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body><main>"
        f"<header><h1>{esc(title)}</h1><div class='sub'>{esc(subtitle)}</div></header>"
        f"{body}<footer>{footer}</footer></main></body></html>\n")
