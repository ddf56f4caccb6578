"""Sections that apps contribute to pages they do not own (the front page, the citizen page), so the page's
owner never imports the contributor: the kernel knows no app, contracts knows no stays.

An app registers a function in its `AppConfig.ready()`:

    section_register(page="home", key="beds.free_tonight", render=free_tonight_section, order=10)

and the page calls `sections_render(page="home", request=request, **context)`, which calls each function in
`order` with the request and the page's context. A function returns HTML (already escaped, e.g. from
`render_to_string`) or None to show nothing; it decides itself what the user may see and audits its reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Section:
    key: str
    render: Callable[..., str | None]
    order: int


_PAGES: dict[str, dict[str, Section]] = {}


def section_register(*, page: str, key: str, render: Callable[..., str | None], order: int = 100) -> None:
    """Add (or replace, by key: `ready()` may run twice in tests) a section of `page`."""
    _PAGES.setdefault(page, {})[key] = Section(key=key, render=render, order=order)


def sections_render(*, page: str, request, **context) -> list[SafeString]:
    """The HTML of every section of `page` that has something to show, in order."""
    parts = []
    for section in sorted(_PAGES.get(page, {}).values(), key=lambda s: (s.order, s.key)):
        html = section.render(request=request, **context)
        if html:
            parts.append(mark_safe(html))  # noqa: S308 - rendered by the app's template (autoescaped)
    return parts
