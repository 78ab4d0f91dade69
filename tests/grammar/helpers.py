"""Shorthands for the grammar tests."""

from rules.grammar import ParsedReport, ReportContext, parse_report


def update(text: str, **options) -> ParsedReport:
    """Return `text` read as the text of `/update`."""
    return parse_report(text, context=ReportContext.UPDATE, **options)
