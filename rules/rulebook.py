"""The rules file: a default calendar, the rules, and per-project overrides, read strictly.

```yaml
calendar: {timezone: Asia/Ho_Chi_Minh, workdays: mon-sat, hours: "07:00-17:00"}
rules:
  - id: stalled
    when: {status: [in_progress], no_update_for: 8h}
projects:
  TWR:
    calendar: {timezone: Europe/Berlin}      # only what differs from the default calendar
    disabled: [over_budget]                  # rules switched off for this project
    rules:
      stalled: {when: {no_update_for: 4h}}   # thresholds tuned, by rule id
```

Every problem is reported, one readable line each, naming the file, the project and rule, and
the field: `rules.yml: rule "stalled": when.no_update_for: "10x" is not a duration (…)`.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, ValidationError

from rules.calendar import (
    Calendar,
    Shift,
    Weekday,
    parse_holidays,
    parse_hours,
    parse_timezone,
    parse_workdays,
)
from rules.grammar.log import DEFAULT_DELAY_TYPES
from rules.rule import Clock, Conditions, Model, Rule, Span, Step, choice_of
from rules.vocabulary import Severity

DEFAULT_RULES = Path(__file__).with_name("default.yml")
_PROJECT_KEY = re.compile(r"[A-Za-z]{2,6}")
_HH_MM = re.compile(r"\d{1,2}:\d{2}")
_CONVERSATION = re.compile(r"[CG][A-Z0-9]{2,}")
OFF = "off"
END_OF_DAY = "end_of_day"


class RulebookError(ValueError):
    """A rules file that cannot be used; `problems` holds one readable line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class CalendarSpec(Model):
    """A calendar as written in the file; a project's may give only what differs.

    What the file's default calendar leaves out is UTC, every day, 00:00-24:00, no holidays.
    """

    timezone: Annotated[str, AfterValidator(parse_timezone)] | None = None
    workdays: Annotated[frozenset[Weekday], BeforeValidator(parse_workdays)] | None = None
    hours: Annotated[tuple[Shift, ...], BeforeValidator(parse_hours)] | None = None
    holidays: Annotated[frozenset[date], BeforeValidator(parse_holidays)] | None = None

    def over(self, base: Calendar) -> Calendar:
        """Return `base` with the fields this spec gives replaced."""
        return Calendar(
            timezone=self.timezone or base.timezone,
            workdays=self.workdays if self.workdays is not None else base.workdays,
            hours=self.hours if self.hours is not None else base.hours,
            holidays=self.holidays if self.holidays is not None else base.holidays,
        )


class RuleTuning(Model):
    """A project's changes to one rule; `when` changes only the conditions it names."""

    when: Conditions | None = None
    escalate: tuple[Step, ...] | None = None
    repeat_every: Span | None = None
    severity: Annotated[Severity, choice_of(Severity, "a severity")] | None = None
    clock: Annotated[Clock, choice_of(Clock, "a clock")] | None = None


def _digest_off(value: Any) -> Any:
    """`digest: off` (YAML reads a bare off as false) switches the digest off."""
    if value is False or (isinstance(value, str) and value.strip().lower() == OFF):
        return {OFF: True}
    return value


def _digest_at(value: Any) -> Any:
    if isinstance(value, str) and value.strip() == END_OF_DAY:
        return None
    if isinstance(value, str) and _HH_MM.fullmatch(value.strip()):
        hours, minutes = map(int, value.strip().split(":"))
        if hours < 24 and minutes < 60:
            return time(hours, minutes)
    raise ValueError(f'"{value}" is not a time: write end_of_day or "HH:MM" (like "16:30")')


def _digest_to(value: Any) -> Any:
    if isinstance(value, str) and value.strip() == "channel":
        return None
    if isinstance(value, str) and _CONVERSATION.fullmatch(value.strip()):
        return value.strip()
    raise ValueError(f'"{value}" is not where to post: write channel, or a channel id (C…)')


class DigestSpec(Model):
    """When and where the end-of-day digest is posted; a project's gives only what differs."""

    at: Annotated[time | None, BeforeValidator(_digest_at)] = None  # None: the day's end
    to: Annotated[str | None, BeforeValidator(_digest_to)] = None  # None: the project's channel
    off: bool = False  # `digest: off`


@dataclass(frozen=True)
class DigestPlan:
    """The digest in force for a project: posted `at` (None: when the day's last shift ends)
    on each working day, to `to` (None: the project's channel)."""

    at: time | None = None
    to: str | None = None

    def instant_on(self, day: date, calendar: Calendar) -> datetime | None:
        """Return when the digest of local `day` is due, or None on a day off."""
        if not calendar.is_working_day(day):
            return None
        if self.at is None:
            return calendar.end_of_working_day(day)
        local = datetime.combine(day, self.at, tzinfo=calendar.zone)
        return local.astimezone(UTC)

    def span(self, day: date, calendar: Calendar) -> tuple[datetime, datetime]:
        """Return the instants the digest of local `day` covers: from the previous working
        day's digest (so a report made after a digest, or on a day off, is in the next one)
        to this day's digest time (the day's end, on a day off)."""
        before = calendar.previous_working_day(day)
        since = self.instant_on(before, calendar) if before is not None else None
        end = self.instant_on(day, calendar) or calendar.start_of_day(day + timedelta(days=1))
        return since or calendar.start_of_day(day), end

    def over(self, spec: DigestSpec) -> DigestPlan:
        """Return this plan with what `spec` sets replaced."""
        given = spec.model_fields_set
        return DigestPlan(
            at=spec.at if "at" in given else self.at, to=spec.to if "to" in given else self.to
        )


DigestSetting = Annotated[DigestSpec, BeforeValidator(_digest_off)]


class ProjectSection(Model):
    calendar: CalendarSpec | None = None
    digest: DigestSetting | None = None
    disabled: tuple[str, ...] = ()
    rules: dict[str, RuleTuning] = Field(default_factory=dict)


DelayType = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]{0,31}$")]


class RulebookFile(Model):
    """The whole file, as written."""

    calendar: CalendarSpec
    digest: DigestSetting = Field(default_factory=DigestSpec)
    delay_types: tuple[DelayType, ...] = Field(DEFAULT_DELAY_TYPES, min_length=1)
    rules: tuple[Rule, ...]
    projects: dict[str, ProjectSection] = Field(default_factory=dict)


@dataclass(frozen=True)
class ProjectRules:
    calendar: Calendar
    rules: tuple[Rule, ...]
    digest: DigestPlan | None


@dataclass(frozen=True)
class Rulebook:
    """A validated rules file: the default calendar and rules, and each project's versions.

    Calendars are built once here and shared, so their cached day tables serve every tick.
    """

    source: str
    calendar: Calendar
    rules: tuple[Rule, ...]
    projects: Mapping[str, ProjectRules]
    digest: DigestPlan | None = DigestPlan()
    delay_types: tuple[str, ...] = DEFAULT_DELAY_TYPES  # the daily log's (`/log delay`)

    def digest_for(self, key: str) -> DigestPlan | None:
        """Return the digest in force for project `key`, or None when it is off."""
        settings = self.projects.get(key.upper())
        return self.digest if settings is None else settings.digest

    def for_project(self, key: str) -> tuple[Calendar, tuple[Rule, ...]]:
        """Return the calendar and the enabled, tuned rules for project `key` (e.g. "TWR")."""
        settings = self.projects.get(key.upper())
        if settings is None:
            return self.calendar, self.rules
        return settings.calendar, settings.rules

    def rule(self, rule_id: str) -> Rule:
        """Return the default version of rule `rule_id`; KeyError if there is none."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def load_rulebook(path: str | Path) -> Rulebook:
    """Return the rulebook in the file at `path`; raise RulebookError listing every problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise RulebookError([f"{path}: cannot be read ({error.strerror or error})"]) from None
    return parse_rulebook(text, source=str(path))


def load_default_rulebook() -> Rulebook:
    """Return the rules shipped with siteloop (`rules/default.yml`)."""
    return load_rulebook(DEFAULT_RULES)


def parse_rulebook(text: str, source: str = "rules.yml") -> Rulebook:
    """Return the rulebook `text` describes; `source` names it in error messages.

    1. Read the YAML (refusing a key given twice in one mapping).
    2. Validate the shape with the models, and check ids and references across the file.
    3. Build each project's calendar and rules, validating every tuned rule again.
    """
    raw = _read_yaml(text, source)
    problems = _cross_checks(raw, source)
    try:
        parsed = RulebookFile.model_validate(raw)
    except ValidationError as error:
        raise RulebookError(_describe(error, raw, source) + problems) from None
    if problems:
        raise RulebookError(problems)
    calendar = parsed.calendar.over(Calendar())
    digest = _digest_plan(parsed.digest, DigestPlan())
    projects, problems = _projects(parsed, calendar, digest, raw, source)
    if problems:
        raise RulebookError(problems)
    return Rulebook(
        source, calendar, parsed.rules, projects, digest, tuple(dict.fromkeys(parsed.delay_types))
    )


def _digest_plan(setting: DigestSpec, base: DigestPlan | None) -> DigestPlan | None:
    if setting.off:
        return None
    return (base or DigestPlan()).over(setting)


def calendar_over(base: Calendar, written: Mapping[str, Any], source: str = "calendar") -> Calendar:
    """Return `base` changed by a calendar written as in the file (a project's stored JSON)."""
    try:
        return CalendarSpec.model_validate(written).over(base)
    except ValidationError as error:
        raise RulebookError(_describe(error, written, source)) from None


def _projects(
    parsed: RulebookFile, calendar: Calendar, digest: DigestPlan | None, raw: Any, source: str
) -> tuple[dict[str, ProjectRules], list[str]]:
    """Return each project's calendar and rules (disabled ones removed, tunings applied), and
    the problems found validating the tuned rules."""
    projects: dict[str, ProjectRules] = {}
    problems: list[str] = []
    for key, section in parsed.projects.items():
        rules = []
        for rule in (rule for rule in parsed.rules if rule.id not in section.disabled):
            tuning = section.rules.get(rule.id)
            try:
                rules.append(rule if tuning is None else _tuned(rule, tuning))
            except ValidationError as error:
                where = ("projects", key, "rules", rule.id)
                problems += _describe(error, raw, source, prefix=where)
        own_calendar = section.calendar.over(calendar) if section.calendar else calendar
        own_digest = digest if section.digest is None else _digest_plan(section.digest, digest)
        projects[key.upper()] = ProjectRules(own_calendar, tuple(rules), own_digest)
    return projects, problems


def _tuned(rule: Rule, tuning: RuleTuning) -> Rule:
    """Return `rule` with a project's tuning applied, validated again as a whole rule."""
    data = rule.model_dump(exclude_none=True)
    changes = tuning.model_dump(exclude_unset=True)
    data["when"] = {**data["when"], **changes.pop("when", {})}
    data.update(changes)
    return Rule.model_validate(data)


def _read_yaml(text: str, source: str) -> Any:
    try:
        raw = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise RulebookError([f"{source}: {where}{problem}"]) from None
    if not isinstance(raw, dict):
        raise RulebookError([f"{source}: expected a mapping with calendar, rules and projects"])
    return raw


def _cross_checks(raw: dict[str, Any], source: str) -> list[str]:
    """Return the problems no single model can see: duplicate ids, references, project keys."""
    listed = raw.get("rules")
    rules = listed if isinstance(listed, list) else []
    ids = [rule.get("id") for rule in rules if isinstance(rule, dict)]
    known = {rule_id for rule_id in ids if isinstance(rule_id, str)}
    problems = [
        f'{source}: rule "{rule_id}": id: used by {count} rules; ids must be unique'
        for rule_id, count in Counter(i for i in ids if isinstance(i, str)).items()
        if count > 1
    ]
    projects = raw.get("projects")
    for key, section in projects.items() if isinstance(projects, dict) else ():
        where = f'{source}: project "{key}"'
        if not isinstance(key, str) or not _PROJECT_KEY.fullmatch(key):
            problems.append(f"{where}: is not a project key (2 to 6 letters, like TWR)")
        if not isinstance(section, dict):
            continue
        named = [*_listed(section.get("disabled")), *_listed(section.get("rules"))]
        for rule_id in named:
            if isinstance(rule_id, str) and rule_id not in known:
                problems.append(f'{where}: no rule "{rule_id}" to change{_suggest(rule_id, known)}')
    return problems


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | dict) else []


def _describe(
    error: ValidationError, raw: Any, source: str, prefix: tuple[Any, ...] = ()
) -> list[str]:
    """Return one line per validation error: file, project, rule, dotted field, message."""
    lines = []
    for item in error.errors():
        location = (*prefix, *item["loc"])
        labels = _labels(location, raw)
        lines.append(": ".join(part for part in (source, *labels, _message(item)) if part))
    return lines


def _labels(location: tuple[Any, ...], raw: Any) -> list[str]:
    """Return ['project "TWR"', 'rule "stalled"', 'when.no_update_for'] for a location."""
    parts, labels = list(location), []
    if parts[:1] == ["projects"] and len(parts) > 1:
        labels.append(f'project "{parts[1]}"')
        parts = parts[2:]
    if parts[:1] == ["rules"] and len(parts) > 1:
        name = parts[1]
        if isinstance(name, int):
            rules = raw.get("rules") if isinstance(raw, dict) else None
            rule = rules[name] if isinstance(rules, list) and name < len(rules) else None
            rule_id = rule.get("id") if isinstance(rule, dict) else None
            name = rule_id if isinstance(rule_id, str) else f"#{parts[1] + 1}"
        labels.append(f'rule "{name}"')
        parts = parts[2:]
    dotted = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)
    return [*labels, dotted.lstrip(".")]


_KNOWN_KEYS = sorted(
    {
        name
        for model in (
            RulebookFile,
            CalendarSpec,
            DigestSpec,
            ProjectSection,
            Rule,
            Conditions,
            Step,
        )
        for name in model.model_fields
    }
)


def _message(item: Any) -> str:
    kind, value = item["type"], item.get("input")
    if kind in ("value_error", "assertion_error"):
        return str(item["ctx"]["error"])
    if kind == "extra_forbidden":
        return f"unknown key{_suggest(str(item['loc'][-1]), _KNOWN_KEYS)}"
    if kind == "missing":
        return "missing (this key is required)"
    shown = f'"{value}"' if isinstance(value, str) else repr(value)
    return f"{item['msg'][0].lower()}{item['msg'][1:]} (got {shown})"


def _suggest(word: str, choices: Any) -> str:
    others = sorted(choice for choice in choices if choice != word)
    close = difflib.get_close_matches(word, others, n=1, cutoff=0.7)
    return f" (did you mean {close[0]}?)" if close else ""


class _StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key given twice in one mapping (PyYAML keeps the
    last one silently, which would hide a mistake in a rules file)."""


def _mapping_without_repeats(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f'"{key}" is given twice', key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_repeats
)
