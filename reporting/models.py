"""Report runs and cached aggregates (issues 7 and 8)."""
