"""Print the spend report for people: rich tables on a text stream."""

from __future__ import annotations

from typing import IO

from .report import Report

TOP = 10


def _money(value: float, currency: str) -> str:
    symbol = "$" if currency.lower() == "usd" else f"{currency.upper()} "
    return f"{symbol}{value:,.2f}"


def _change(value: float | None) -> str:
    return "n/a (no data before)" if value is None else f"{value:+.1%}"


def print_report(report: Report, out: IO[str], chart: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=None if out.isatty() else 110)
    cur = report.currency
    days = (report.end - report.start).total_seconds() / 86400
    console.print(f"[bold]OpenAI usage report[/bold]  {report.start:%Y-%m-%d %H:%M} → {report.end:%Y-%m-%d %H:%M} UTC")
    console.print(
        f"compared with the previous {days:.1f} days: {report.previous_start:%Y-%m-%d %H:%M} → "
        f"{report.start:%Y-%m-%d %H:%M} UTC"
    )
    summary = Table(show_header=True, title="Summary")
    summary.add_column("figure")
    summary.add_column("this period", justify="right")
    summary.add_column("previous period", justify="right")
    summary.add_column("change", justify="right")
    summary.add_row("spend", _money(report.total_spend, cur), _money(report.previous_spend, cur),
                    _change(report.change(report.total_spend, report.previous_spend)))  # fmt: skip
    summary.add_row("tokens (completions, embeddings)", f"{report.total_tokens:,}", f"{report.previous_tokens:,}",
                    _change(report.change(report.total_tokens, report.previous_tokens)))  # fmt: skip
    summary.add_row("model requests", f"{report.total_requests:,}", f"{report.previous_requests:,}",
                    _change(report.change(report.total_requests, report.previous_requests)))  # fmt: skip
    console.print(summary)

    breakdowns = (("Spend by project", report.spend_by_project), ("Spend by line item", report.spend_by_line_item))
    for title, data in breakdowns:
        table = Table(title=title)
        table.add_column(title.split(" by ")[1])
        table.add_column("spend", justify="right")
        table.add_column("share", justify="right")
        for name, value in list(data.items())[:TOP]:
            share = value / report.total_spend if report.total_spend else 0.0
            table.add_row(name, _money(value, cur), f"{share:.1%}")
        if len(data) > TOP:
            rest = sum(list(data.values())[TOP:])
            table.add_row(f"{len(data) - TOP} more", _money(rest, cur), "")
        console.print(table)

    models = Table(title="Top models by tokens")
    for col in ("model", "tokens", "input", "output", "requests"):
        models.add_column(col, justify="left" if col == "model" else "right")
    for m in report.models[:TOP]:
        models.add_row(m.model, f"{m.tokens:,}", f"{m.input_tokens:,}", f"{m.output_tokens:,}", f"{m.requests:,}")
    console.print(models)

    trend = Table(title="Daily spend")
    trend.add_column("day (UTC)")
    trend.add_column("spend", justify="right")
    trend.add_column("", justify="left")
    peak = max(report.daily_spend.values(), default=0.0)
    for day, value in sorted(report.daily_spend.items()):
        bar = "█" * (round(30 * value / peak) if peak else 0)
        trend.add_row(day.isoformat(), _money(value, cur), bar)
    console.print(trend)
    console.print(f"Money: {report.money_source}")
    console.print(f"Volume: {report.volume_source}")
    if chart:
        console.print(f"Chart written to {chart}")
