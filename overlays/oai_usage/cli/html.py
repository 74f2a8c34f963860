"""The report as one self-contained HTML page: tables, the chart as a data-URI PNG, period, sources, caveats.

The page loads nothing: no external URL, no script; a Content-Security-Policy forbids any fetch but inline
styles and data: images, so it opens the same in any browser with no network. Every table is complete: a ranked
table longer than `render.TOP` rows shows its first rows and folds the rest in a `<details>` element (opened with
a click, or by a link to `#<section>-rest`), with no script.
"""

from __future__ import annotations

import base64
from html import escape as _html_escape

from ..report import Report
from .output import visible
from .render import TOP, Section, caveats, headline, sections, sources


def escape(text: str) -> str:
    """Server or user text for the page: `visible` (no control character, no key, even one read back from a
    warehouse), then HTML-escaped."""
    return _html_escape(visible(text))


CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24; background: #fff;
       margin: 2em auto; max-width: 1100px; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin: 1.4em 0 0.4em; }
table { border-collapse: collapse; margin: 0.3em 0 1em; }
th, td { border-bottom: 1px solid #d0d7de; padding: 0.25em 0.8em; text-align: left; }
th { background: #f3f5f7; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.bar { width: 220px; } td.bar span { display: inline-block; height: 0.8em; background: #4c78a8; }
.caveats { background: #fff8e1; border-left: 4px solid #f0b400; padding: 0.5em 1em; }
details { margin: -0.7em 0 1em; } summary { cursor: pointer; color: #0b5cad; }
figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #d0d7de; }
.sources { color: #57606a; font-size: 0.9em; }
"""


def html_page(report: Report, chart_png: bytes | None = None) -> str:
    """The whole page as a string; `chart_png` (PNG bytes) is inlined when given."""
    first, _ = headline(report)
    return "\n".join([_head(first), *_body(report, chart_png), "</body></html>"]) + "\n"


def html_page_many(parts: list[Report], total: Report, chart_png: bytes | None = None) -> str:
    """`report --db --all-profiles` as one page: each organization's report in its own article, then the total's
    (labelled as such; the chart, when given, is the total's)."""
    first, _ = headline(total)
    articles: list[str] = []
    for index, report in enumerate([*parts, total]):
        whose = "total" if report is total else f"organization-{index}"
        articles.append(f'<article id="{whose}">')
        articles += _body(report, chart_png if report is total else None, prefix=f"{whose}-")
        articles.append("</article>")
    return "\n".join([_head(first), *articles, "</body></html>"]) + "\n"


def _head(title: str) -> str:
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
    ])  # fmt: skip


def _body(report: Report, chart_png: bytes | None, prefix: str = "") -> list[str]:
    """One report's headings, sections, caveats and sources (ids prefixed by `prefix` when a page has several)."""
    first, second = headline(report)
    parts = [
        f'<h1 id="{prefix}period">{escape(first)}</h1>',
        f'<p id="{prefix}previous-period">{escape(second)}</p>',
    ]
    worded = caveats(report)
    for section in sections(report, top=None):
        parts.append(f'<section id="{prefix}{section.key}"><h2>{escape(section.title)}</h2>')
        folded = section.key in FOLDED and len(section.rows) > TOP
        parts += _table(section, section.key, range(TOP) if folded else range(len(section.rows)))
        if folded:
            more = len(section.rows) - TOP
            parts.append(f'<details id="{prefix}{section.key}-more"><summary>{more} more</summary>')
            parts += _table(section, f"{section.key}-rest", range(TOP, len(section.rows)),
                            f'{prefix}{section.key}-rest')  # fmt: skip
            parts.append("</details>")
        parts.append("</section>")
        if section.key == "summary" and worded:
            parts.append(f'<div class="caveats" id="{prefix}caveats"><ul>')
            parts += [f"<li>{escape(line)}</li>" for line in worded]
            parts.append("</ul></div>")
        if section.key == "summary" and chart_png is not None:
            parts.append(_figure(report, chart_png))
    parts.append(f'<ul class="sources" id="{prefix}sources">')
    parts += [f"<li>{escape(line)}</li>" for line in sources(report)]
    parts.append("</ul>")
    return parts


FOLDED = {"projects", "line_items", "models_spend", "api_keys", "models", "users"}
"""The ranked tables whose rows beyond the first `render.TOP` are folded in a `<details>`."""


def _table(section: Section, name: str, indexes: range, table_id: str = "") -> list[str]:
    """One table of `section`'s header and the rows at `indexes` (`name`: its data-section)."""
    ident = f' id="{table_id}"' if table_id else ""
    parts = [f'<table data-section="{name}"{ident}><thead><tr>']
    columns = zip(section.columns, section.numeric, strict=True)
    parts += [f"<th{' class=num' if n else ''}>{escape(c)}</th>" for c, n in columns]
    if section.bars:
        parts.append('<th class="bar"></th>')
    parts.append("</tr></thead><tbody>")
    for index in indexes:
        row = section.rows[index]
        cells = [f"<td{' class=num' if n else ''}>{escape(c)}</td>" for c, n in zip(row, section.numeric, strict=True)]
        if section.bars:
            cells.append(f'<td class="bar"><span style="width:{100 * section.bars[index]:.1f}%"></span></td>')
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return parts


def _figure(report: Report, chart_png: bytes) -> str:
    """The chart as an inline data-URI PNG (no file beside the page, nothing fetched)."""
    data = base64.b64encode(chart_png).decode("ascii")
    return (
        '<figure id="chart"><img alt="Daily spend by project and daily tokens by model" '
        f'src="data:image/png;base64,{data}"><figcaption>Daily spend by project (UTC days)'
        + (", month to date against the spend limits with their projections" if _limit_drawn(report) else "")
        + f" and daily tokens by model ({escape(report.zone)} days)</figcaption></figure>"
    )


def _limit_drawn(report: Report) -> bool:
    return report.limits is not None and bool(report.limits.lines)
