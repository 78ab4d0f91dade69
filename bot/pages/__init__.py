"""Pages: what siteloop shows outside Slack, as self-contained HTML (Jinja2, escaped once)."""
