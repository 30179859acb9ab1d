"""Shared page helpers: cached data access, chart styling, URL-bound widgets, fixed texts."""
