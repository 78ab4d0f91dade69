"""Project calendars: the rules file's, overridden by the project row's `calendar` JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rules.calendar import Calendar
from rules.rulebook import Rulebook, calendar_over

# A calendar caches its day tables, so building each distinct one once serves every tick.
_CALENDARS: dict[tuple[Calendar, str], Calendar] = {}
_CALENDAR_CACHE_SIZE = 1024


def project_calendar(rulebook: Rulebook, key: str, written: Mapping[str, Any] | None) -> Calendar:
    """Return project `key`'s calendar: the rules file's (its project section, else its
    default), overridden by what the project row's `calendar` JSON gives.

    Raises RulebookError when the row's calendar is invalid.
    """
    base, _rules = rulebook.for_project(key)
    if not written:
        return base
    text = json.dumps(written, sort_keys=True, default=str)
    cache_key = (base, text)
    calendar = _CALENDARS.get(cache_key)
    if calendar is None:
        if len(_CALENDARS) >= _CALENDAR_CACHE_SIZE:
            _CALENDARS.clear()
        calendar = calendar_over(base, written, source=f"project {key} calendar")
        _CALENDARS[cache_key] = calendar
    return calendar
