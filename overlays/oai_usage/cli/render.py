"""The spend report for people and pipelines: rich tables, Markdown and CSV, all built from the same sections."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from ..report import Breakdown, Report, caveat_text, share_text
from .output import CsvWriter, visible

TOP = 10
BAR_WIDTH = 30


def money(value: float | Decimal, currency: str) -> str:
    """An amount with its currency: `$1,234.50` for USD, `EUR 1,234.50` otherwise."""
    symbol = "$" if currency.lower() == "usd" else f"{currency.upper()} "
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{abs(value):,.2f}"


def change_text(value: float | None) -> str:
    return "n/a (no data before)" if value is None else f"{value:+.1%}"


@dataclass
class Section:
    """One table of the report: a title, column names (right-aligned when numeric) and rows of text."""

    key: str
    title: str
    columns: list[str]
    numeric: list[bool]
    rows: list[list[str]] = field(default_factory=list)
    bars: list[float] = field(default_factory=list)  # 0..1 per row, for the daily trend (empty elsewhere)


def _when(moment: datetime, report: Report) -> str:
    return f"{moment.astimezone(report.tz):%Y-%m-%d %H:%M}"


def headline(report: Report) -> list[str]:
    """The period lines every format starts with."""
    shift = report.previous_length()
    whole = report.previous_stop == report.start
    compared = f"compared with the previous {shift}:" if whole else f"compared with the same span {shift} earlier:"
    whose = f"  ({visible(report.organization)})" if report.organization else ""
    return [
        f"OpenAI usage report  {_when(report.start, report)} → {_when(report.end, report)} {report.zone}{whose}",
        f"{compared} {_when(report.previous_start, report)} → {_when(report.previous_stop, report)} {report.zone}",
    ]


def caveats(report: Report) -> list[str]:
    """The report's caveats in words (the library's wording of each `Caveat`)."""
    return [caveat_text(c) for c in report.caveats()]


def sources(report: Report) -> list[str]:
    return [f"Money: {report.money_source}", f"Volume: {report.volume_source}"]


def _ranked(key: str, title: str, label: str, data: Mapping[str, Mapping[str, Decimal]], report: Report,
            top: int | None) -> Section:  # fmt: skip
    section = Section(key, title, [label, "currency", "spend", "share"], [False, False, True, True])
    for currency in report.currencies:
        items = list(data.get(currency, {}).items())
        if key == "projects":
            items = [(report.label(name), value) for name, value in items]
        total = report.spend.get(currency, Decimal(0))
        for name, value in items[:top]:
            section.rows.append(
                [name, currency.upper(), money(value, currency), f"{value / total:.1%}" if total else ""]
            )
        if top is not None and len(items) > top:
            rest = sum((v for _, v in items[top:]), Decimal(0))
            section.rows.append([f"{len(items) - top} more", currency.upper(), money(rest, currency), ""])
    return section


def _by_model(report: Report) -> Section:
    """Spend by model (from line items: report.MODEL_RULE), with share and change against the previous period."""
    section = Section("models_spend", "Spend by model", ["model", "currency", "spend", "share", "change"],
                      [False, False, True, True, True])  # fmt: skip
    for currency in report.currencies:
        for name, figures in report.model_breakdown(currency).items():
            share = f"{figures['share']:.1%}" if figures["share"] is not None else ""
            spend = money(figures["spend"], currency)
            section.rows.append([name, currency.upper(), spend, share, change_text(figures["change"])])
    return section


def _breakdown(key: str, title: str, label: str, breakdown: Breakdown | None, top: int | None) -> Section | None:
    """Spend by API key or tokens by user: each entry with its share and change (None: the source lacks it)."""
    if breakdown is None:
        return None
    money_ = breakdown.measure == "spend"
    columns = [label, *(["currency"] if money_ else []), breakdown.measure, "share", "change"]
    section = Section(key, title, columns, [False, *([False] if money_ else []), True, True, True])
    for unit, entries in breakdown.entries.items():
        for entry in entries[:top]:
            share = f"{entry.share:.1%}" if entry.share is not None else ""
            value = [unit.upper(), money(entry.value, unit)] if money_ else [f"{entry.value:,}"]
            section.rows.append([entry.label, *value, share, change_text(entry.change)])
        if top is not None and len(entries) > top:
            rest = sum((e.value for e in entries[top:]), 0)
            shown = [unit.upper(), money(rest, unit)] if money_ else [f"{rest:,}"]
            section.rows.append([f"{len(entries) - top} more", *shown, "", ""])
    return section


def _day_label(day: date, notes: dict[date, str]) -> str:
    return f"{day.isoformat()} ({notes[day]})" if day in notes else day.isoformat()


def sections(report: Report, top: int | None = TOP) -> list[Section]:
    """The report's tables, in order: summary, limits, unusual days, projects, line items, models, API keys, top
    models, users, daily spend, daily tokens (`top`: the most rows of a ranked table, the rest summed in one "N more"
    row; None: every row, as the HTML page has them)."""
    summary = Section("summary", "Summary", ["figure", "this period", "previous period", "change"],
                      [False, True, True, True])  # fmt: skip
    for cur in report.currencies:
        now, before = report.spend.get(cur, Decimal(0)), report.previous_spend.get(cur, Decimal(0))
        summary.rows.append([f"spend ({cur.upper()})", money(now, cur), money(before, cur),
                             change_text(report.spend_change(cur))])  # fmt: skip
    summary.rows.append(["tokens (completions, embeddings)", f"{report.total_tokens:,}", f"{report.previous_tokens:,}",
                         change_text(report.change(report.total_tokens, report.previous_tokens))])  # fmt: skip
    summary.rows.append(["model requests", f"{report.total_requests:,}", f"{report.previous_requests:,}",
                         change_text(report.change(report.total_requests, report.previous_requests))])  # fmt: skip
    result = [summary]
    if report.limits is not None and report.limits.lines:
        result.append(limits_section(report))
    if report.unusual_days is not None and report.unusual_days.first is not None:
        result.append(unusual_section(report, top))
    result += [
        _ranked("projects", "Spend by project", "project", report.spend_by_project, report, top),
        _ranked("line_items", "Spend by line item", "line item", report.spend_by_line_item, report, top),
        _by_model(report),
    ]
    keys = _breakdown("api_keys", "Spend by API key", "API key", report.spend_by_api_key, top)
    result += [keys] if keys is not None else []
    models = Section("models", "Top models by tokens", ["model", "tokens", "input", "output", "requests"],
                     [False, True, True, True, True])  # fmt: skip
    for m in report.models[:top]:
        models.rows.append([m.model, f"{m.tokens:,}", f"{m.input_tokens:,}", f"{m.output_tokens:,}", f"{m.requests:,}"])
    result.append(models)
    users = _breakdown("users", "Tokens by user", "user", report.tokens_by_user, top)
    result += [users] if users is not None else []

    money_days = report.money_days
    in_progress = {money_days[-1]: "so far"} if money_days and report.money_day_in_progress else {}
    daily = {cur: report.daily_spend(cur) for cur in report.currencies}
    spend = Section("daily_spend", "Daily spend", ["day (UTC)", *(f"spend ({c.upper()})" for c in daily)],
                    [False, *(True for _ in daily)])  # fmt: skip
    first = report.currencies[0]
    peak = max(daily[first].values(), default=Decimal(0))
    for day in money_days:
        spend.rows.append([_day_label(day, in_progress), *(money(daily[c][day], c) for c in daily)])
        spend.bars.append(float(daily[first][day] / peak) if peak > 0 else 0.0)
    result.append(spend)

    tokens = report.daily_tokens()
    notes = report.partial_days()
    volume = Section("daily_tokens", "Daily tokens", [f"day ({report.zone})", "tokens"], [False, True])
    top = max(tokens.values(), default=0)
    for day, value in tokens.items():
        volume.rows.append([_day_label(day, notes), f"{value:,}"])
        volume.bars.append(value / top if top else 0.0)
    result.append(volume)
    return result


def limits_section(report: Report) -> Section:
    """Month to date against each spend limit, the month-end projection and the day the limit is reached."""
    status = report.limits
    assert status is not None
    cur = status.currency
    section = Section(
        "limits",
        f"Spend limits, {status.today:%B %Y} (UTC days)",
        ["limit of", "limit", "month to date", "used", "projected", "of limit", "reached on"],
        [False, True, True, True, True, True, False],
    )
    for line in status.lines:
        who = "organization" if line.scope == "organization" else report.label(line.scope)
        if line.reached_on is None:
            reached = "not this month"
        elif line.reached_on <= status.today and line.reached:
            reached = f"{line.reached_on} (reached)"
        else:
            reached = f"{line.reached_on} (pace)"  # projected at this pace (the method is in the notes)
        section.rows.append([who, money(line.limit, cur), money(line.month_to_date, cur), share_text(line.used),
                             money(line.projected, cur), share_text(line.projected_share), reached])  # fmt: skip
    return section


def unusual_section(report: Report, top: int | None = TOP) -> Section:
    """The period's unusual days (the rule of `oai-usage check`), most unusual first (`top`: the most rows, then one
    "N more" row); one "none" row when none."""
    unusual = report.unusual_days
    assert unusual is not None and unusual.first is not None
    section = Section(
        "unusual_days",
        f"Unusual days, {unusual.first} to {unusual.last} (UTC days)",
        ["day", "where", "spend", "median of its kind of day", "x median"],
        [False, False, True, True, True],
    )
    shown = unusual.findings if top is None else unusual.findings[:top]
    for finding in shown:
        day = date.fromisoformat(finding.period)
        section.rows.append([f"{day} ({day:%a})", finding.where, money(finding.amount, finding.unit),
                             money(finding.baseline or 0.0, finding.unit),
                             f"{finding.details['ratio']:.1f}"])  # fmt: skip
    if len(shown) < len(unusual.findings):
        section.rows.append([f"{len(unusual.findings) - len(shown)} more", "(every one in the JSON, CSV and HTML)",
                             "", "", ""])  # fmt: skip
    if not unusual.findings:
        section.rows.append(["none", f"nothing far above its own last {unusual.basis_days} days (same kind of day)",
                             "", "", ""])  # fmt: skip
    return section


def print_report(report: Report, out: IO[str], chart: str | None = None) -> None:
    """The report as rich tables (the default format)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=out, width=None if out.isatty() else 110, highlight=False)
    first, second = headline(report)
    console.print(f"[bold]{escape(first)}[/bold]")
    console.print(escape(second))
    for section in sections(report):
        table = Table(title=section.title)
        for name, numeric in zip(section.columns, section.numeric, strict=True):
            table.add_column(name, justify="right" if numeric else "left")
        if section.bars:
            table.add_column("", justify="left")
        for index, row in enumerate(section.rows):
            cells = [escape(visible(cell)) for cell in row]  # model and line-item names are server text
            if section.bars:
                cells.append("█" * round(BAR_WIDTH * section.bars[index]))
            table.add_row(*cells)
        console.print(table)
        if section.key == "summary":
            for line in caveats(report):
                console.print(f"Note: {escape(line)}")
    for line in sources(report):
        console.print(escape(line))
    if chart:
        console.print(f"Chart written to {escape(chart)}")


_MARKDOWN = re.compile(r"([\\`*\[\]<>|])")


def md_text(text: str) -> str:
    """Server or user text for Markdown: `visible` (no terminal escape, no key), then every character that starts
    a link, an image, HTML, code or emphasis, or ends a table cell, backslash-escaped: `[x](javascript:...)`,
    `<script>`, `![](...)` and `|` are text. (An underscore inside a word, as in `proj_abc`, is never emphasis.)"""
    return _MARKDOWN.sub(r"\\\1", visible(text))


def _md_cell(text: str) -> str:
    return md_text(text)


def markdown(report: Report) -> str:
    """The report as GitHub-flavoured Markdown (for wikis and pull requests)."""
    first, second = headline(report)
    lines = [f"# {_md_cell(first)}", "", _md_cell(second), ""]
    worded = caveats(report)
    for section in sections(report):
        lines += [f"## {section.title}", ""]
        lines.append("| " + " | ".join(_md_cell(c) for c in section.columns) + " |")
        lines.append("|" + "|".join("---:" if n else "---" for n in section.numeric) + "|")
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in section.rows]
        lines.append("")
        if section.key == "summary" and worded:
            lines += [f"> **Note:** {_md_cell(line)}" for line in worded]
            lines.append("")
    lines += [f"- {_md_cell(line)}" for line in sources(report)]
    return "\n".join(lines) + "\n"


def csv_records(report: Report) -> Iterator[list[Any]]:
    """The report in long form for pipelines: section, key, currency, metric, value (raw numbers)."""
    yield ["section", "key", "currency", "metric", "value"]
    yield ["period", "start", "", "", report.start.isoformat()]
    yield ["period", "end", "", "", report.end.isoformat()]
    yield ["period", "time_zone", "", "", report.zone]
    yield ["previous_period", "start", "", "", report.previous_start.isoformat()]
    yield ["previous_period", "end", "", "", report.previous_stop.isoformat()]
    if report.organizations:
        key = "name" if len(report.organizations) == 1 else "total"
        yield ["organization", key, "", "", ", ".join(report.organizations)]
    for cur in report.currencies:
        yield ["summary", "spend", cur, "this_period", report.spend.get(cur, Decimal(0))]
        yield ["summary", "spend", cur, "previous_period", report.previous_spend.get(cur, Decimal(0))]
        yield ["summary", "spend", cur, "change", report.spend_change(cur)]
    for name, now, before in (("tokens", report.total_tokens, report.previous_tokens),
                              ("requests", report.total_requests, report.previous_requests)):  # fmt: skip
        yield ["summary", name, "", "this_period", now]
        yield ["summary", name, "", "previous_period", before]
    for section, data in (("project", report.spend_by_project), ("line_item", report.spend_by_line_item)):
        for cur, values in data.items():
            for name, value in values.items():
                yield [section, name, cur, "spend", value]
    for cur in report.currencies:
        for name, model in report.model_breakdown(cur).items():
            for metric in ("spend", "previous", "change"):
                yield ["model_spend", name, cur, "previous_spend" if metric == "previous" else metric, model[metric]]
    if report.limits is not None:
        for limit in report.limits.lines:
            figures: tuple[tuple[str, Any], ...] = (
                ("limit", limit.limit),
                ("month_to_date", limit.month_to_date),
                ("projected_month_end", limit.projected),
                ("reached_on", limit.reached_on.isoformat() if limit.reached_on else ""),
            )
            for metric, figure in figures:
                yield ["limit", limit.scope, report.limits.currency, metric, figure]
    if report.unusual_days is not None:
        for finding in report.unusual_days.findings:
            key = f"{finding.period} {finding.dimension} {finding.id}"
            for metric, figure in (("spend", finding.amount), ("median", finding.baseline),
                                   ("mad", finding.details["mad"]), ("ratio", finding.details["ratio"]),
                                   ("name", finding.name if finding.name != finding.id else "")):  # fmt: skip
                yield ["unusual_day", key, finding.unit, metric, figure]
    for section, label, breakdown in (("api_key_spend", "name", report.spend_by_api_key),
                                       ("user_tokens", "email", report.tokens_by_user)):  # fmt: skip
        if breakdown is None:
            continue
        for unit, entries in breakdown.entries.items():
            for entry in entries:
                figures_: tuple[tuple[str, Any], ...] = (
                    (breakdown.measure, entry.value), (f"previous_{breakdown.measure}", entry.previous),
                    ("share", entry.share), ("change", entry.change),
                    (label, entry.label if entry.label != entry.key else ""),
                )  # fmt: skip
                for metric, figure in figures_:
                    yield [section, entry.key, unit, metric, figure]
    for m in report.models:
        for metric, count in (("input_tokens", m.input_tokens), ("output_tokens", m.output_tokens),
                              ("tokens", m.tokens), ("requests", m.requests)):  # fmt: skip
            yield ["model", m.model, "", metric, count]
    for cur in report.currencies:
        for day, amount in report.daily_spend(cur).items():
            yield ["daily_spend", day.isoformat(), cur, "spend", amount]
    for day, count in report.daily_tokens().items():
        yield ["daily_tokens", day.isoformat(), "", "tokens", count]
    for line in caveats(report):
        yield ["caveat", "", "", "", line]
    yield ["source", "money", "", "", report.money_source]
    yield ["source", "volume", "", "", report.volume_source]


def write_csv(report: Report, out: IO[str], *, raw: bool = False) -> None:
    writer = CsvWriter(out, raw=raw)
    for record in csv_records(report):
        writer.writerow(record)


# --- report --db --all-profiles: each organization, then their total (issue 20) -------------------------------------


def many_as_json(parts: list[Report], total: Report) -> str:
    """JSON of the all-profiles view: each organization's report under its name, and their total, labelled."""
    from ..report import dumps

    return dumps(
        {
            "organizations": list(total.organizations),
            "by_organization": {part.organizations[0]: part.to_dict() for part in parts},
            "total": total.to_dict(),
        }
    )


def write_csv_many(parts: list[Report], total: Report, out: IO[str], *, raw: bool = False) -> None:
    """CSV of the all-profiles view: the report's records with `organization` first (an organization's name, or
    `total` for the records of all of them)."""
    writer = CsvWriter(out, raw=raw)
    for index, (name, report) in enumerate([*((p.organizations[0], p) for p in parts), ("total", total)]):
        records = csv_records(report)
        header = next(records)
        if index == 0:
            writer.writerow(["organization", *header])
        for record in records:
            if record[0] != "organization":
                writer.writerow([name, *record])


def markdown_many(parts: list[Report], total: Report) -> str:
    """Markdown of the all-profiles view: each organization's report, then the total's (each headed by whose)."""
    return "\n".join(markdown(report) for report in [*parts, total])


def print_many(parts: list[Report], total: Report, out: IO[str], chart: str | None = None) -> None:
    """Tables of the all-profiles view: each organization's report, then the total's (each headed by whose)."""
    for report in parts:
        print_report(report, out)
        out.write("\n")
    print_report(total, out, chart=chart)
