"""Internal: daily costs as a FOCUS 1.2 cost-and-usage dataset (`oai-usage export --focus FILE`), CSV or Parquet.

One FOCUS row per costs result (one project and line item on one UTC day). The mapping and the reason for each
column are in the README ("FOCUS export"); in short: the organization is the billing account, the project the
sub-account, the line item the charge description and the SKU, the bucket the charge period, its calendar month
the billing period. The Costs API states no list prices, no negotiated prices, no commitments and no invoices:
the columns FOCUS makes conditional on those are left out, and the cost columns FOCUS requires are the billed
amount (OpenAI's pay-as-you-go bill has no amortization or discount to tell them apart).

The CSV is written by this module (fixed column order, decimals written out in full, times as `...Z`), the
Parquet from that CSV by DuckDB (`oai-usage[warehouse]`) with typed columns, so both hold the same rows. Rows are
sorted (day, billing account, sub-account, line item, currency), so the same data always gives the same bytes,
and a day's rows do not depend on the range exported. The file is written beside the target, then renamed over it.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Protocol

from ..errors import ValidationError
from . import require_duckdb

__all__ = ["COLUMNS", "FOCUS_VERSION", "FocusAccount", "focus_format", "focus_rows", "row_order", "write_focus"]

FOCUS_VERSION = "1.2"
"""The FOCUS version written: the newest the FinOps Foundation's validator on PyPI checks (focus-validator 2.2.1,
rule set 1.2.0.1)."""

PROVIDER = "OpenAI"
SERVICE_NAME = "OpenAI API"
SERVICE_CATEGORY = "AI and Machine Learning"
SERVICE_SUBCATEGORY = "Generative AI"

COLUMNS: tuple[tuple[str, str], ...] = (
    ("BilledCost", "DOUBLE"),
    ("BillingAccountId", "VARCHAR"),
    ("BillingAccountName", "VARCHAR"),
    ("BillingCurrency", "VARCHAR"),
    ("BillingPeriodEnd", "TIMESTAMPTZ"),
    ("BillingPeriodStart", "TIMESTAMPTZ"),
    ("ChargeCategory", "VARCHAR"),
    ("ChargeClass", "VARCHAR"),
    ("ChargeDescription", "VARCHAR"),
    ("ChargeFrequency", "VARCHAR"),
    ("ChargePeriodEnd", "TIMESTAMPTZ"),
    ("ChargePeriodStart", "TIMESTAMPTZ"),
    ("CommitmentDiscountStatus", "VARCHAR"),
    ("ConsumedQuantity", "DOUBLE"),
    ("ConsumedUnit", "VARCHAR"),
    ("ContractedCost", "DOUBLE"),
    ("EffectiveCost", "DOUBLE"),
    ("InvoiceId", "VARCHAR"),
    ("InvoiceIssuerName", "VARCHAR"),
    ("ListCost", "DOUBLE"),
    ("PricingQuantity", "DOUBLE"),
    ("PricingUnit", "VARCHAR"),
    ("ProviderName", "VARCHAR"),
    ("PublisherName", "VARCHAR"),
    ("ServiceCategory", "VARCHAR"),
    ("ServiceName", "VARCHAR"),
    ("ServiceSubcategory", "VARCHAR"),
    ("SkuId", "VARCHAR"),
    ("SkuPriceId", "VARCHAR"),
    ("SubAccountId", "VARCHAR"),
    ("SubAccountName", "VARCHAR"),
)
"""The columns written, in order, with their DuckDB (and so Parquet) types."""

UNITS: Mapping[str, str] = {
    "tokens": "Tokens",
    "characters": "Characters",
    "images": "Images",
    "duration_seconds": "Seconds",
    "gibibyte_hours": "GiB-Hours",
}
"""The Costs API's `quantity_unit` values in FOCUS's unit format (a unit it does not list is kept as given)."""

COUNTED: tuple[tuple[str, str], ...] = (("tool calls", "Tool Calls"), ("sessions", "Sessions"))
"""A result without `quantity_unit` counts what its line item names: the line item's last words give the unit."""

FALLBACK_UNIT = "Units"
"""The unit of a quantity whose result states no unit and whose line item names none of COUNTED."""

FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


@dataclass(frozen=True)
class FocusAccount:
    """The billing account of some rows: its ID when a result names none (`organization_id`), and its name."""

    fallback_id: str | None
    name: str | None


def focus_format(path: Path) -> str:
    """`csv` or `parquet` from the file's extension; ValidationError naming the file (param "focus") otherwise."""
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise ValidationError(
            f"{path}: give a file ending in .csv or .parquet (the format follows the extension)", param="focus"
        )
    return found


def _month(moment: datetime) -> tuple[datetime, datetime]:
    start = moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, end


def _text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def focus_unit(unit: str | None, line_item: str | None) -> str:
    """The FOCUS unit of a quantity: the API's unit in FOCUS's format, else the thing its line item counts."""
    if unit is not None:
        return UNITS.get(unit, unit)
    words = (line_item or "").lower()
    return next((name for tail, name in COUNTED if words.endswith(tail)), FALLBACK_UNIT)


def focus_rows(
    rows: Iterable[Mapping[str, Any]], account: FocusAccount, project_names: Mapping[str, str]
) -> list[tuple[Any, ...]]:
    """FOCUS rows (tuples in COLUMNS order) of costs rows grouped by project and line item, one per result."""
    out: list[tuple[Any, ...]] = []
    for row in rows:
        start: datetime = row["bucket_start"].astimezone(UTC)
        end: datetime = row["bucket_end"].astimezone(UTC)
        period_start, period_end = _month(start)
        amount = row.get("amount_value")
        cost = float(amount) if amount is not None else 0.0
        currency = _text(row.get("amount_currency"))
        account_id = _text(row.get("organization_id")) or account.fallback_id
        if account_id is None:
            raise ValidationError("a costs result names no organization_id; FOCUS needs a billing account")
        project = _text(row.get("project_id"))
        line_item = _text(row.get("line_item"))
        quantity = row.get("quantity")
        unit = focus_unit(_text(row.get("quantity_unit")), line_item) if quantity is not None else None
        out.append(
            (
                cost,
                account_id,
                account.name,
                currency.upper() if currency else None,
                period_end,
                period_start,
                "Usage",
                None,
                line_item,
                "Usage-Based",
                end,
                start,
                None,
                float(quantity) if quantity is not None else None,
                unit,
                cost,
                cost,
                None,
                PROVIDER,
                cost,
                float(quantity) if quantity is not None else None,
                unit,
                PROVIDER,
                PROVIDER,
                SERVICE_CATEGORY,
                SERVICE_NAME,
                SERVICE_SUBCATEGORY,
                line_item,
                line_item,
                project,
                project_names.get(project) or None if project else None,
            )
        )
    out.sort(key=row_order)
    return out


_KEYS = [name for name, _ in COLUMNS]
_SORT = [_KEYS.index(n) for n in ("ChargePeriodStart", "BillingAccountId", "SubAccountId", "ChargeDescription",
                                  "BillingCurrency", "ConsumedUnit")]  # fmt: skip


def row_order(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The sort key of FOCUS rows: day, billing account, sub-account, line item, currency, unit (nulls first)."""
    return tuple((row[i] is not None, row[i] if row[i] is not None else "") for i in _SORT)


@dataclass(frozen=True)
class _Figure:
    """A number or a time as its FOCUS text: not text from a server, so a CSV writer never neutralises it (-5)."""

    text: str

    def __str__(self) -> str:
        return self.text


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _Figure(value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
        return _Figure(text.removesuffix(".0") if text.endswith(".0") else text)
    return value if isinstance(value, str) else _Figure(str(value))


class RowWriter(Protocol):
    """What writes CSV lines: `csv.writer`, or the command line's CSV writer."""

    def writerow(self, values: Iterable[Any], /) -> Any: ...


def _exact(out: IO[str]) -> RowWriter:
    return csv.writer(out, lineterminator="\r\n")  # quotes a text holding \r or \n: every row stays one row


def focus_csv(rows: Iterable[tuple[Any, ...]], make_writer: Callable[[IO[str]], RowWriter] = _exact) -> bytes:
    """The CSV text of FOCUS rows: a header, then one line per row (empty cell = null), UTF-8.
    `make_writer` writes the lines: by default every text exactly as it is (what DuckDB reads back for Parquet);
    the command line passes its CSV writer (`\\n` line ends), which neutralises formula-like text and quotes a lone
    `\\r`, as in every CSV it writes."""
    buffer = io.StringIO()
    writer = make_writer(buffer)
    writer.writerow(_KEYS)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def write_focus(rows: list[tuple[Any, ...]], target: Path, make_writer: Callable[[IO[str]], RowWriter] = _exact) -> int:
    """Write FOCUS rows to `target` (CSV or Parquet by its extension), replacing it whole; returns the rows written.
    `make_writer` writes a CSV target's lines (see `focus_csv`); Parquet always holds the exact values."""
    kind = focus_format(target)
    if target.is_dir():
        raise ValidationError(f"{target}: a directory; give a file name", param="focus")
    if not target.resolve().parent.is_dir():
        raise ValidationError(f"{target}: the directory {target.parent} does not exist", param="focus")
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        if kind == "csv":
            temp.write_bytes(focus_csv(rows, make_writer))
        else:
            _parquet(focus_csv(rows), temp)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return len(rows)


def _parquet(text: bytes, target: Path) -> None:
    """The CSV read back by DuckDB with the FOCUS types, written as one Parquet file."""
    duckdb = require_duckdb("a FOCUS dataset in Parquet")
    source = target.with_name(target.name + ".csv")
    source.write_bytes(text)
    try:
        con = duckdb.connect(":memory:")
        try:
            con.execute("SET TimeZone = 'UTC'")
            types = ", ".join(f"'{name}': '{kind}'" for name, kind in COLUMNS)
            path = str(source).replace("'", "''")
            out = str(target).replace("'", "''")
            con.execute(
                f"COPY (SELECT * FROM read_csv('{path}', header = true, columns = {{{types}}}, "
                "timestampformat = '%Y-%m-%dT%H:%M:%SZ')) "
                f"TO '{out}' (FORMAT parquet)"
            )
        finally:
            con.close()
    finally:
        source.unlink(missing_ok=True)
