"""Real-browser journeys: Playwright (sync API) driving Debian's chromium against Django's live server.

No browser is downloaded: `chromium` comes from the system (`make system`). Playwright's sync API runs an
event loop in this thread, so Django's async-safety check must be relaxed for the test process.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_URL = "/__e2e__/axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch(sync_playwright)
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _launch(sync_playwright):
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("chromium is not installed: run `make system` (Debian package `chromium`)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


# Elements that stick out of the screen (outside the scroll boxes of the board and tables), for the message.
WIDE_ELEMENTS_JS = """() => [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.right > innerWidth + 1 && !(e.parentElement && e.parentElement.closest('.board-wrap, .table-wrap'));
  }).slice(0, 6).map(e => e.tagName + '.' + e.className + '#' + e.id + ' '
                          + Math.round(e.getBoundingClientRect().right))"""


WIDTHS = ((1440, 900), (820, 1180), (390, 844))


class BrowserSession:
    """One browser context (its own cookies) with helpers; records CSP violations and page errors."""

    def __init__(self, browser, base_url: str, name: str):
        self.context = browser.new_context(base_url=base_url, locale="da-DK", timezone_id="Europe/Copenhagen",
                                           viewport={"width": 1280, "height": 900})
        # Generous: CI machines are shared and the first request of a live server is slow.
        self.context.set_default_timeout(30_000)
        # axe-core is injected as a same-origin script URL answered by Playwright itself, so the page's strict
        # CSP (script-src 'self', no inline) stays on during the accessibility check.
        self.context.route(f"**{AXE_URL}", lambda route: route.fulfill(path=str(AXE_JS),
                                                                        content_type="application/javascript"))
        self.page = self.context.new_page()
        self.name = name
        self.problems: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))

    def _on_console(self, message) -> None:
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Content-Security-Policy" in text):
            self.problems.append(f"CSP violation: {text}")

    def login(self, username: str, password: str) -> None:
        page = self.page
        page.goto("/login/")
        page.get_by_label("Brugernavn").fill(username)
        page.get_by_label("Adgangskode").fill(password)
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_load_state()

    def logout(self) -> None:
        self.page.get_by_role("button", name="Log ud").click()
        self.page.wait_for_url(re.compile(r"/login/"))

    def axe_violations(self, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
        """Run axe-core on the current page; the serious and critical violations."""
        page = self.page
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(url=AXE_URL)
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
        return [
            {"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in impacts
        ]

    def assert_accessible(self) -> None:
        violations = self.axe_violations()
        assert violations == [], f"axe-core on {self.page.url}: {violations}"

    def screenshot(self, path: Path) -> None:
        self.page.screenshot(path=str(path), full_page=True)

    def screenshots_at_widths(self, prefix: str) -> None:
        """The page at desktop, tablet and phone width: no wider than the screen (the elements that stick out
        named in the message), a full-page screenshot test-artifacts/<prefix>-<width>.png each; back to 820."""
        page = self.page
        ARTIFACTS.mkdir(exist_ok=True)
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(150)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{prefix} at {width} px is {overflow} px wider than the screen: " \
                                  f"{page.evaluate(WIDE_ELEMENTS_JS)}"
            page.screenshot(path=str(ARTIFACTS / f"{prefix}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 820, "height": 1180})

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_session(browser, live_server, request):
    """Factory for browser sessions (several for races); screenshots of each on failure."""
    sessions: list[BrowserSession] = []

    def make(name: str = "main") -> BrowserSession:
        session = BrowserSession(browser, live_server.url, name)
        sessions.append(session)
        return session

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for session in sessions:
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
            try:
                session.screenshot(ARTIFACTS / f"{safe}-{session.name}.png")
            except Exception as exc:  # a dead page must not hide the test's own failure
                print(f"screenshot failed: {exc}")
        session.close()


@pytest.fixture
def session(open_session) -> BrowserSession:
    s = open_session("main")
    yield s
    assert s.problems == [], s.problems


@pytest.fixture
def captured_logs():
    """Everything the configured (CPR-masking) log handlers write during the test."""
    import io
    import logging

    from psykiatrihus.logredact import RedactCPRFilter

    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, RedactCPRFilter) for f in h.filters)]
    assert handlers, "the console handler must carry the CPR filter"
    stream = io.StringIO()
    old = [h.setStream(stream) for h in handlers]
    levels = [(name, logging.getLogger(name).level) for name in ("", "django.server", "django.request")]
    for name, _ in levels:
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        yield stream
    finally:
        for handler, previous in zip(handlers, old, strict=True):
            handler.setStream(previous)
        for name, level in levels:
            logging.getLogger(name).setLevel(level)
