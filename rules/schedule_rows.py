"""Reading a schedule exported from a spreadsheet: headers, dates and numbers as people have them.

Pure: rows in, `ScheduleRow`s (with problems) out. Header names are matched loosely (case,
spaces, punctuation, common synonyms), so an export from most scheduling tools reads as is.

| field | accepted headers |
|---|---|
| key | key, task key, task |
| external id | id, external id, ref, reference, activity id, wbs, code |
| title | title, name, task name, activity, activity name, description |
| crew | crew, trade, team |
| assignee | assignee, assignee slack id, owner, responsible, assigned to, email |
| location | location, area, zone, level |
| start | start, start date, planned start, begin |
| due | due, due date, finish, finish date, planned finish, end, end date |
| budget | budget, cost budget, budgeted cost, amount |
| quantity | quantity, qty, planned qty, planned quantity |
| unit | unit, uom, units |
| cost code | cost code, cost account, cbs, wbs code |
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from rules.grammar.numbers import canonical_unit

_T = TypeVar("_T")

FIELDS = {
    "key": ("key", "task key", "task"),
    "external_id": ("id", "external id", "ref", "reference", "activity id", "wbs", "code"),
    "title": ("title", "name", "task name", "activity", "activity name", "description"),
    "crew": ("crew", "trade", "team"),
    "assignee": ("assignee", "assignee slack id", "owner", "responsible", "assigned to", "email"),
    "location": ("location", "area", "zone", "level"),
    "start": ("start", "start date", "planned start", "begin"),
    "due": ("due", "due date", "finish", "finish date", "planned finish", "end", "end date"),
    "budget": ("budget", "cost budget", "budgeted cost", "amount"),
    "quantity": ("quantity", "qty", "planned qty", "planned quantity"),
    "unit": ("unit", "uom", "units"),
    "cost_code": ("cost code", "cost account", "cbs", "wbs code"),
}
_SYNONYMS = {name: field for field, names in FIELDS.items() for name in names}
_KEY = re.compile(r"^[A-Za-z]{2,6}-[0-9]{1,7}$")
_EXCEL_EPOCH = date(1899, 12, 30)  # spreadsheet day 1 is 1900-01-01 (with Lotus's leap bug)
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


@dataclass(frozen=True)
class ScheduleRow:
    """One spreadsheet row read into task fields; `line` is its line in the file."""

    line: int
    title: str = ""
    key: str | None = None
    external_id: str | None = None
    crew: str | None = None
    assignee: str | None = None
    location: str | None = None
    start: date | None = None
    due: date | None = None
    budget: Decimal | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    cost_code: str | None = None
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """Return whether the row can be imported."""
        return not self.problems


def normalise_header(header: str) -> str:
    """Return a header as compared: lower case, words separated by single spaces."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", header.lower().replace("#", " id ")).split())


def map_headers(headers: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """Return {field: header as written} for the headers understood, and the ones ignored."""
    mapped: dict[str, str] = {}
    ignored = []
    for header in headers:
        field_name = _SYNONYMS.get(normalise_header(header or ""))
        if field_name and field_name not in mapped:
            mapped[field_name] = header
        else:
            ignored.append(header)
    return mapped, ignored


def read_row(
    line: int, row: Mapping[str, str], columns: Mapping[str, str], *, day_first: bool | None
) -> ScheduleRow:
    """Return one row's task fields, with every problem found (never raising)."""
    problems: list[str] = []
    cell = {name: (row.get(header) or "").strip() for name, header in columns.items()}

    def parsed(name: str, reader: Callable[[str], _T]) -> _T | None:
        if not cell.get(name):
            return None
        try:
            return reader(cell[name])
        except ValueError as error:
            problems.append(f"{name}: {error}")
            return None

    title = cell.get("title", "")
    if not title:
        problems.append("title: empty — every task needs a title")
    key = cell.get("key") or None
    if key and not _KEY.match(key):
        problems.append(f"key: `{key}` is not a task key like TWR-42")
    start = parsed("start", lambda text: read_date(text, day_first=day_first))
    due = parsed("due", lambda text: read_date(text, day_first=day_first))
    if start and due and start > due:
        problems.append(f"start {start} is after due {due}")
    unit = parsed("unit", _read_unit)
    return ScheduleRow(
        line=line,
        title=title[:500],
        key=key.upper() if key else None,
        external_id=cell.get("external_id") or None,
        crew=cell.get("crew") or None,
        assignee=cell.get("assignee") or None,
        location=cell.get("location") or None,
        start=start,
        due=due,
        budget=parsed("budget", read_amount),
        quantity=parsed("quantity", read_amount),
        unit=unit,
        cost_code=(cell.get("cost_code") or "")[:64] or None,
        problems=tuple(problems),
    )


def read_date(text: str, *, day_first: bool | None = None) -> date:
    """Return a spreadsheet date: ISO, `4 Dec 2026`, `Dec 4, 2026`, a serial day number, or
    `04/12/2026` when `day_first` says which way round slashes go."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    if re.fullmatch(r"[0-9]{5}(\.[0-9]+)?", text):
        return _EXCEL_EPOCH + timedelta(days=int(float(text)))
    named = _named_month(text)
    if named:
        return named
    slashed = re.fullmatch(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})", text)
    if slashed:
        first, second, year = (int(part) for part in slashed.groups())
        if day_first is None:
            raise ValueError(
                f"`{text}` could be day/month or month/day: pass --day-first or --month-first"
            )
        day, month = (first, second) if day_first else (second, first)
        return date(year, month, day)
    raise ValueError(f"`{text}` is not a date (use 2026-12-04, 4 Dec 2026 or Dec 4, 2026)")


def _named_month(text: str) -> date | None:
    words = re.findall(r"[0-9]+|[A-Za-z]+", text)
    if len(words) != 3:
        return None
    month = next((i + 1 for i, m in enumerate(_MONTHS) for w in words if w.lower()[:3] == m), None)
    numbers = [int(w) for w in words if w.isdigit()]
    if month is None or len(numbers) != 2:
        return None
    day, year = sorted(numbers)
    return date(year, month, day)


def read_amount(text: str) -> Decimal:
    """Return a number as spreadsheets write it: `12,000`, `12 000`, `$12,000.50`, `1.5`."""
    cleaned = re.sub(r"[\s,$€£₫]|usd|eur|vnd", "", text.lower())
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"`{text}` is not a number") from None
    if value < 0 or not value.is_finite():
        raise ValueError(f"`{text}` must be a positive number")
    return value


def _read_unit(text: str) -> str:
    unit = canonical_unit(text)
    if unit is None:
        raise ValueError(f"`{text}` is not a unit I know (m³, m², m, t, kg, l, pcs, bags, …)")
    return unit
