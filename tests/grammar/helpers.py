"""Shorthands for the grammar tests."""

from rules.grammar.parsed import ParsedReport, ReportContext
from rules.grammar.report import parse_report


def update(text: str, **options) -> ParsedReport:
    """Return `text` read as the text of `/update`."""
    return parse_report(text, context=ReportContext.UPDATE, **options)
