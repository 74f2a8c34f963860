"""The spend report as Python values: `oai_usage.report.build(client, start=...)` gives a `Report`.

A `Report` is immutable: totals per currency (exact `Decimal`, never added across currencies), breakdowns (by
project, line item, model, API key; tokens by model and user), daily series, the previous period and its changes,
the month to date against the spend limits with a month-end projection (`LimitStatus`), the period's unusual days
(`UnusualDays`: the rule of `oai-usage check`, `oai_usage.alerts.unusual_days`), and what a reader must
know (`Caveat`s, as data; `caveat_text` words one). `Report.to_json()` prints it with money as exact decimals.

Any row source feeds it through one protocol, `RowSource` ((endpoint, params) -> rows): the live API
(`ClientRows`, what `build` uses) or the warehouse (`oai_usage.warehouse.report_rows.WarehouseRows`, through
`from_rows`). The command line's `oai-usage report` renders this value. See docs/report-library.md.
"""

from __future__ import annotations

from .build import (
    MONEY_SOURCE,
    VOLUME_ENDPOINTS,
    VOLUME_SOURCE,
    VOLUME_SOURCE_HOURLY,
    ClientRows,
    GroupingUnavailable,
    ReportBuilder,
    RowSource,
    build,
    from_rows,
)
from .caveats import KINDS, METHOD, Caveat, share_text
from .caveats import text as caveat_text
from .figures import MODEL_RULE, NO_MODEL, UNATTRIBUTED, Breakdown, ModelVolume, Report, Share, model_of
from .jsonout import dumps
from .limits import LimitLine, LimitStatus, Pace, limit_line, limit_status, status_of
from .periods import Periods, periods
from .unusual import UnusualDays

__all__ = [
    "KINDS",
    "METHOD",
    "MODEL_RULE",
    "MONEY_SOURCE",
    "NO_MODEL",
    "UNATTRIBUTED",
    "VOLUME_ENDPOINTS",
    "VOLUME_SOURCE",
    "VOLUME_SOURCE_HOURLY",
    "Breakdown",
    "Caveat",
    "ClientRows",
    "GroupingUnavailable",
    "LimitLine",
    "LimitStatus",
    "ModelVolume",
    "Pace",
    "Periods",
    "Report",
    "ReportBuilder",
    "RowSource",
    "Share",
    "UnusualDays",
    "build",
    "caveat_text",
    "dumps",
    "from_rows",
    "limit_line",
    "limit_status",
    "model_of",
    "periods",
    "share_text",
    "status_of",
]
