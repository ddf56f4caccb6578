"""Bed views (HTMX), one module per resource. Thin: they parse input, call `beds.services` /
`beds.selectors` and render."""
