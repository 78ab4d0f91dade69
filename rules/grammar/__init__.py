"""How siteloop reads what crews write: reports (`report`), new tasks (`task_add`), statuses,
numbers, money and quantities (`status`, `numbers`, `values`), and what a report says back
(`summary`). Pure: no database, no Slack, no clock.
"""
