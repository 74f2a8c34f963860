"""Turn the measurements into bench/results.md (tables and target checks) and bench/results.png (chart)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

OURS = "oai-usage (default, 8 windows)"
SEQUENTIAL = "oai-usage (concurrency 1)"
SDK_DEFAULT = "openai SDK, default limit"
SDK_BEST = "openai SDK, best limit"
FLOOR = "floor: httpx + json.loads (8 windows)"


def _targets(results: Mapping[str, Any]) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for each target of the issue."""
    hourly = results["timed"]["hourly30"]
    wall = {case: hourly[case]["wall"] for case in hourly}
    decode = results["decode"]["ms"]
    json_ms = decode["json.loads alone"]
    memory = results["memory"]
    year, quarter = memory["hourly365"]["peak_rss_mb"], memory["hourly91"]["peak_rss_mb"]
    checks = [
        ("30-day hourly: >= 5x faster than the SDK loop at its default limit", wall[SDK_DEFAULT] / wall[OURS], 5.0),
        ("30-day hourly: >= 3x faster than the SDK at its best limit", wall[SDK_BEST] / wall[OURS], 3.0),
    ]
    rows = [(name, f"{ratio:.2f}x", ratio >= goal) for name, ratio, goal in checks]
    floor_ratio = wall[OURS] / wall[FLOOR]
    rows.append(("30-day hourly: within 1.5x of the raw floor", f"{floor_ratio:.2f}x the floor", floor_ratio <= 1.5))
    typed, sdk = decode["oai-usage typed buckets"], decode["openai SDK models (as the SDK builds them)"]
    rows.append(("typed decode no slower than the SDK's models", f"{typed:.1f} ms vs {sdk:.1f} ms", typed <= sdk))
    ratio = decode["oai-usage rows"] / json_ms
    rows.append(
        ("rows decode within 2x of json.loads", f"{ratio:.2f}x ({decode['oai-usage rows']:.1f} ms)", ratio <= 2)
    )
    rows.append(("a year of hourly grouped rows streamed under 150 MB", f"{year:.1f} MB", year < 150))
    half = memory["hourly182"]["peak_rss_mb"]
    rows.append(
        (
            "memory flat as the range grows: 12 vs 6 months (4x vs 2x the data of 3 months)",
            f"{year:.1f} vs {half:.1f} MB ({year / half - 1:+.0%})",
            year <= half * 1.15,
        )
    )
    rows.append(
        (
            "memory flat as the range grows: 12 vs 3 months",
            f"{year:.1f} vs {quarter:.1f} MB ({year / quarter - 1:+.0%})",
            year <= quarter * 1.15,
        )
    )
    return rows


def markdown(results: Mapping[str, Any], scenarios: Mapping[str, Any]) -> str:
    lines = ["# Benchmark results", ""]
    lines.append(
        "Sandbox server over loopback, `latency_ms=50`; each case in its own process; wall time is the "
        "median of 3 runs (fetch only); client CPU is the case process's user+system time during the fetch; "
        "peak RSS is the case process's own high-water mark (VmHWM). The sandbox server runs in the parent "
        "process on the same machine."
    )
    for name, cases in results["timed"].items():
        lines += ["", f"## {scenarios[name].title}", ""]
        lines.append("| case | wall (s) | vs oai-usage | requests | rows | rows/s | client CPU (s) | peak RSS (MB) |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        ours = cases[OURS]["wall"]
        for case, r in cases.items():
            lines.append(
                f"| {case} | {r['wall']:.2f} | {r['wall'] / ours:.2f}x | {r['requests']} | {r['rows']} | "
                f"{r['rows'] / r['wall']:,.0f} | {r['cpu']:.2f} | {r['peak_rss_mb']:.1f} |"
            )
    decode = results["decode"]
    lines += [
        "",
        f"## Decoding one maximal page ({decode['buckets']} one-minute buckets, {decode['results']} "
        f"results, {decode['bytes'] / 1e6:.1f} MB of JSON)",
        "",
    ]
    lines += ["| decoder (from bytes) | ms | vs json.loads |", "|---|---:|---:|"]
    base = decode["ms"]["json.loads alone"]
    for name, ms in decode["ms"].items():
        lines.append(f"| {name} | {ms:.1f} | {ms / base:.2f}x |")
    lines += ["", "## Streaming memory (oai-usage rows, default concurrency)", ""]
    lines += ["| range | rows | peak RSS (MB) | RSS after imports (MB) | wall (s) |", "|---|---:|---:|---:|---:|"]
    for name, r in results["memory"].items():
        lines.append(
            f"| {scenarios[name].title} | {r['rows']} | {r['peak_rss_mb']:.1f} | "
            f"{r['baseline_rss_mb']:.1f} | {r['wall']:.2f} |"
        )
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    for target, measured, met in _targets(results):
        lines.append(f"| {target} | {measured} | {'yes' if met else '**no**'} |")
    return "\n".join(lines) + "\n"


def chart(results: Mapping[str, Any], scenarios: Mapping[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    timed = results["timed"]
    fig, axes = plt.subplots(1, len(timed) + 1, figsize=(6 * (len(timed) + 1), 5))
    for axis, (name, cases) in zip(axes, timed.items(), strict=False):
        labels = list(cases)
        walls = [cases[c]["wall"] for c in labels]
        bars = axis.barh(labels, walls, color=["#2a7" if c.startswith("oai") else "#888" for c in labels])
        axis.bar_label(bars, fmt="%.2f s")
        axis.set_title(scenarios[name].title, fontsize=10)
        axis.set_xlabel("wall time (s), lower is better")
        axis.invert_yaxis()
    decode = results["decode"]["ms"]
    axis = axes[-1]
    bars = axis.barh(list(decode), list(decode.values()), color="#57b")
    axis.bar_label(bars, fmt="%.1f ms")
    axis.set_title("decode one 1440-bucket page", fontsize=10)
    axis.set_xlabel("ms, lower is better")
    axis.invert_yaxis()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(results: Mapping[str, Any], scenarios: Mapping[str, Any], directory: Path) -> None:
    (directory / "results.md").write_text(markdown(results, scenarios))
    chart(results, scenarios, directory / "results.png")
