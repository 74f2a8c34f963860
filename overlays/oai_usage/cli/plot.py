"""The report chart: daily spend stacked by project (one panel per currency), the month to date against each spend
limit (the organization's and each project's with a limit, one panel each), daily tokens stacked by model.

The format follows the file's extension (.png, .svg, .pdf). matplotlib is imported only inside the functions
that draw, so importing this module costs nothing.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import import_extra
from ..report import LimitLine, Report
from .output import visible
from .paths import OutputPathError

MAX_SERIES = 8  # more series than this are folded into "other" to keep the legend readable
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
WIDTH, PANEL_HEIGHT, DPI = 13, 4, 100  # inches per panel; the default two panels make 1300 x 800 pixels


class ChartPathError(OutputPathError):
    """A --plot file name whose extension names no chart format: one line, exit 2."""


def chart_format(path: str, option: str = "--plot") -> str:
    """The chart format for a file name, from its extension; ChartPathError naming the allowed ones."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        allowed = ", ".join(FORMATS)
        raise ChartPathError(f"{option} {path}: unknown chart format {suffix or '(no extension)'!r}; use {allowed}")
    return FORMATS[suffix]


Series = Mapping[date, Mapping[str, Any]]  # day -> name -> value (Decimal money or int tokens)


def _top_series(daily: Series) -> list[str]:
    totals: dict[str, float] = {}
    for per_day in daily.values():
        for name, value in per_day.items():
            totals[name] = totals.get(name, 0.0) + float(value)
    ranked = sorted(totals, key=lambda n: (-totals[n], n))
    return ranked[:MAX_SERIES]


def _labels(days: list[date], notes: Mapping[date, str]) -> list[str]:
    return [f"{d:%m-%d}\n({notes[d]})" if d in notes else f"{d:%m-%d}" for d in days]


def _tick_positions(count: int, most: int = 16) -> list[int]:
    """Every day, or every n-th day for long ranges; the last day (often partial) always keeps its label."""
    step = max(1, -(-count // most))
    ticks = list(range(0, count, step))
    if count and ticks[-1] != count - 1:
        if count - 1 - ticks[-1] < step:
            ticks.pop()
        ticks.append(count - 1)
    return ticks


LEGEND_CHARS = 48  # a longer name (free text) is cut with "…": a legend wider than the figure would crowd out the bars


def _literal(text: str) -> str:
    """A legend label shown as written (through `visible`: no control character, no key): a `$` in a name (free text
    from the API) would start matplotlib's mathtext."""
    text = visible(text)
    if len(text) > LEGEND_CHARS:
        text = text[: LEGEND_CHARS - 1] + "…"
    return text.replace("$", r"\$")


def _stack(
    ax: Any,
    days: list[date],
    daily: Series,
    title: str,
    ylabel: str,
    notes: Mapping[date, str],
    label: Callable[[str], str] = str,
) -> None:
    """Stacked bars, one slot per day (a day with nothing is a 0-height slot, never a gap in the axis)."""
    series = _top_series(daily)
    positions = list(range(len(days)))
    bottoms = [0.0] * len(days)
    drawn = False
    for name in [*series, "other"]:
        values = [
            float(
                sum(v for n, v in daily.get(d, {}).items() if n not in series)
                if name == "other"
                else daily.get(d, {}).get(name, 0.0)
            )
            for d in days
        ]
        if not any(values):
            continue
        text = label(name) if name != "other" else name
        ax.bar(positions, values, bottom=bottoms, label=_literal(text), width=0.8)
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        drawn = True
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_xlim(-0.6, max(len(days), 1) - 0.4)
    ticks = _tick_positions(len(days))
    labels = _labels(days, notes)
    ax.set_xticks(ticks, [labels[i] for i in ticks], fontsize="small")
    if drawn:
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    else:
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        ax.text(0.5, 0.5, "no data in this period", transform=ax.transAxes, ha="center", va="center",
                fontsize="large", color="0.4")  # fmt: skip


def _limit_panel(ax: Any, report: Report, line: LimitLine) -> None:
    """The month so far (a line of cumulative spend), its projection (dashed) and the limit, of the organization
    or of one project."""
    status = report.limits
    assert status is not None
    org, cur = line, status.currency
    if line.scope == "organization":
        cumulative, projection, who = status.cumulative, status.projection, "organization"
    else:
        cumulative = status.project_cumulative.get(line.scope, {})
        projection = status.project_projection.get(line.scope, {})
        who = f"project {report.label(line.scope)}"
    who = who.replace("$", r"\$")  # a name is free text: a `$` would start mathtext
    days = sorted(set(cumulative) | set(projection))
    index = {day: i for i, day in enumerate(days)}
    actual = [(d, float(v)) for d, v in sorted(cumulative.items())]
    ax.plot([index[d] for d, _ in actual], [v for _, v in actual], marker="o", markersize=3, color="#4c78a8",
            label=f"spend this month ({cur.upper()})")  # fmt: skip
    ahead = [(d, float(v)) for d, v in sorted(projection.items())]
    before = [(d, v) for d, v in actual if d < status.today]
    if ahead and before:
        ahead.insert(0, before[-1])  # the projection continues from the last whole day
    if ahead:
        ax.plot([index[d] for d, _ in ahead], [v for _, v in ahead], linestyle="--", color="#4c78a8", alpha=0.7,
                label="projection at the weekday/weekend pace of the last 28 days")  # fmt: skip
    symbol = "$" if cur == "usd" else f"{cur.upper()} "
    limit = float(org.limit)
    ax.axhline(limit, color="#d62728", linewidth=1.5, label=f"{who} spend limit {symbol}{org.limit:,.0f}")
    if org.reached_on is not None and org.reached_on in index:
        ax.axvline(index[org.reached_on], color="#d62728", linestyle=":", linewidth=1,
                   label=f"limit reached on {org.reached_on}")  # fmt: skip
    ax.set_title(f"Month to date of the {who} against its spend limit ({cur.upper()}, UTC days, "
                 f"{status.today:%B %Y})")  # fmt: skip
    ax.set_ylabel(cur.upper())
    ax.set_ylim(0, max(limit, float(org.projected), 1.0) * 1.08)  # a $0 limit with no spend still has a scale
    ax.set_xlim(-0.6, max(len(days), 1) - 0.4)
    ticks = _tick_positions(len(days))
    ax.set_xticks(ticks, [f"{days[i]:%m-%d}" for i in ticks], fontsize="small")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))


def _pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend; MissingDependencyError (the plot extra) when it is not installed."""
    matplotlib = import_extra("matplotlib", extra="plot", what="--plot")
    matplotlib.use("Agg")
    return import_extra("matplotlib.pyplot", extra="plot", what="--plot")


def draw(report: Report) -> Any:
    """The chart as a matplotlib Figure (close it with matplotlib.pyplot.close); MissingDependencyError without
    matplotlib."""
    plt = _pyplot()
    currencies = report.currencies
    # the organization's limit, then the projects closest to theirs (at most MAX_SERIES project panels)
    limits = report.limits.lines[: MAX_SERIES + 1] if report.limits is not None else []
    panels = len(currencies) + 1 + len(limits)
    fig, axes = plt.subplots(panels, 1, figsize=(WIDTH, PANEL_HEIGHT * panels))
    try:
        money_days = report.money_days
        in_progress = {money_days[-1]: "so far"} if money_days and report.money_day_in_progress else {}
        for ax, cur in zip(axes, currencies, strict=False):
            per_day = report.daily_spend_by_project.get(cur, {})
            _stack(ax, money_days, per_day, f"Daily spend by project ({cur.upper()}, UTC days)", cur.upper(),
                   in_progress, report.label)  # fmt: skip
        tokens = {d: {m: v / 1e6 for m, v in per.items()} for d, per in report.daily_tokens_by_model.items()}
        for offset, line in enumerate(limits):
            _limit_panel(axes[len(currencies) + offset], report, line)
        _stack(axes[-1], report.days, tokens, f"Daily tokens by model (completions and embeddings, {report.zone} days)",
               "million tokens", report.partial_days())  # fmt: skip
        fig.suptitle(chart_title(report))
        fig.tight_layout()
    except BaseException:
        plt.close(fig)
        raise
    return fig


def chart_title(report: Report) -> str:
    """The period to the minute, in the report's zone (a 12-hour report is not "2026-11-25 to 2026-11-25")."""
    start, end = report.start.astimezone(report.tz), report.end.astimezone(report.tz)
    last = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    return f"OpenAI usage {start:%Y-%m-%d %H:%M} → {last} ({report.zone})"


def chart_bytes(report: Report, fmt: str = "png") -> bytes:
    """The chart as PNG, SVG or PDF bytes; raises MissingDependencyError when matplotlib is not installed."""
    plt = _pyplot()
    fig = draw(report)
    try:
        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt in {"svg", "pdf"} else None  # reproducible files
        fig.savefig(buffer, format=fmt, dpi=DPI, metadata=metadata)
        return buffer.getvalue()
    finally:
        plt.close(fig)


def write_chart(report: Report, path: str) -> None:
    """Write the chart in the format of the file's extension, whole or not at all."""
    from .paths import atomic_write

    data = chart_bytes(report, chart_format(path))
    with atomic_write(path, "--plot", "wb") as fh:
        fh.write(data)
