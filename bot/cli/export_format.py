"""Writing exported rows as CSV (for spreadsheets) or JSON (for other systems)."""

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TextIO


def _plain(value: Any) -> Any:
    """Return `value` as spreadsheets and JSON readers expect it: ISO dates, exact numbers."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return (
            format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
        )
    return value


def write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str], out: TextIO) -> int:
    """Write `rows` as CSV with a header line; return how many rows were written."""
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({key: "" if value is None else _plain(value) for key, value in row.items()})
        count += 1
    return count


def write_json(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Write `rows` as a JSON array of objects; return how many rows were written."""
    items = [{key: _plain(value) for key, value in row.items()} for row in rows]
    json.dump(items, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return len(items)
