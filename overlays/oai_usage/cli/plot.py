"""The report chart: daily spend stacked by project, and daily tokens stacked by model (matplotlib extra)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from .output import atomic_file
from .report import Report

MAX_SERIES = 8  # more series than this are folded into "other" to keep the legend readable


class MissingExtraError(RuntimeError):
    """An optional dependency needed for this command is not installed."""


def _top_series(daily: Mapping[date, Mapping[str, float]]) -> list[str]:
    totals: dict[str, float] = {}
    for per_day in daily.values():
        for name, value in per_day.items():
            totals[name] = totals.get(name, 0.0) + value
    ranked = sorted(totals, key=lambda n: (-totals[n], n))
    return ranked[:MAX_SERIES]


def _stack(ax: object, days: list[date], daily: Mapping[date, Mapping[str, float]], title: str, ylabel: str) -> None:
    series = _top_series(daily)
    bottoms = [0.0] * len(days)
    names = [*series, "other"]
    for name in names:
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
        ax.bar(days, values, bottom=bottoms, label=name, width=0.8)  # type: ignore[attr-defined]
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    ax.set_title(title)  # type: ignore[attr-defined]
    ax.set_ylabel(ylabel)  # type: ignore[attr-defined]
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))  # type: ignore[attr-defined]


def write_chart(report: Report, path: str) -> None:
    """Write a PNG with two panels; raises MissingExtraError when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingExtraError(
            "--plot needs matplotlib: pip install 'oai-usage[plot]' (or pip install matplotlib)"
        ) from None

    days = sorted(set(report.daily_spend) | set(report.daily_tokens_by_model))
    fig, (spend_ax, token_ax) = plt.subplots(2, 1, figsize=(13, 8), sharex=True)
    try:
        _stack(spend_ax, days, report.daily_spend_by_project, "Daily spend by project", report.currency.upper())
        tokens = {d: {m: v / 1e6 for m, v in per.items()} for d, per in report.daily_tokens_by_model.items()}
        _stack(token_ax, days, tokens, "Daily tokens by model (completions and embeddings)", "million tokens")
        fig.suptitle(f"OpenAI usage {report.start:%Y-%m-%d} to {report.end:%Y-%m-%d} (UTC)")
        fig.autofmt_xdate()
        fig.tight_layout()
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(target, "wb") as fh:
            fig.savefig(fh, format="png", dpi=100)
    finally:
        plt.close(fig)
