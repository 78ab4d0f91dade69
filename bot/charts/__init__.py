"""Charts siteloop draws (PNG bytes from pure data), with matplotlib headless."""
