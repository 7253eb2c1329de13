"""Playwright on Debian's Chromium against pytest-django's live server, with axe-core
run on every page a test visits.

- `browser`: one headless Chromium for all browser tests (per xdist worker).
- `site`: a fresh browser context per test (CSP bypassed so axe can be injected; Dutch
  as the browser's language) wrapped in `Site`, whose `visit`/`submit`/`click` helpers
  check each page they land on with axe-core. A page reached any other way (a redirect,
  an HTMX history push) is still checked: every main-frame navigation is recorded, the
  helpers check an unseen page before acting on it, and the fixture checks the last
  page at the end of the test. test_csp.py runs pages under the real CSP instead.

Needs /usr/bin/chromium (`apt-get install chromium`, or CHROMIUM_PATH) and
node_modules/axe-core (`npm ci`); `make browser-deps` installs both.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from playwright.sync_api import Browser, Locator, Page, Playwright, Response, sync_playwright

from conftest import TEST_PASSWORD as TEST_PASSWORD  # root conftest: every user's password

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TIMEOUT_MS = 15_000


def _missing_dependencies() -> list[str]:
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    if not AXE_PATH.exists():
        missing.append(f"{AXE_PATH.relative_to(ROOT)} (npm ci)")
    return missing


class AxeViolations(AssertionError):
    pass


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- [{violation.get('impact')}] {violation['id']}: {violation['help']} "
            f"({violation.get('helpUrl', '')})"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node.get("target", []))
            html = re.sub(r"\s+", " ", node.get("html", ""))[:200]
            summary = re.sub(r"\s+", " ", node.get("failureSummary", ""))[:300]
            lines.append(f"    at {target}: {html}")
            lines.append(f"       {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


def axe_check(page: Page, *, csp_enforced: bool = False) -> None:
    """Run axe-core on the page (WCAG 2.0/2.1/2.2 A and AA rules); fail with a readable
    list of the violations.

    axe is added as a script tag, which the site's CSP allows only in a context made
    with bypass_csp=True; where the CSP is enforced, it is evaluated through the
    DevTools protocol instead (which CSP does not govern)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        source = AXE_PATH.read_text(encoding="utf-8")
        if csp_enforced:
            page.evaluate(f"() => {{ {source}\n}}")
        else:
            page.add_script_tag(content=source)
    result = page.evaluate(
        "async (options) => await window.axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    violations = result["violations"]
    if violations:
        raise AxeViolations(format_violations(page.url, violations))


class Site:
    """A browser tab on the live server that checks every page it lands on."""

    def __init__(self, page: Page, base_url: str, *, csp_enforced: bool = False) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.csp_enforced = csp_enforced
        self.navigations: list[str] = []
        self.checked = 0  # how many of the navigations axe has seen
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame:
            self.navigations.append(frame.url)

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    @property
    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    def check(self, *, force: bool = False) -> None:
        """axe-core on the current page: once per page load, or again when `force`d
        (after HTMX swapped part of it)."""
        self.page.wait_for_load_state("load")
        if force or self.checked < len(self.navigations):
            self.checked = len(self.navigations)  # a failing page is reported once
            axe_check(self.page, csp_enforced=self.csp_enforced)

    def _before_action(self) -> None:
        if self.checked < len(self.navigations):
            self.check()

    def visit(self, path: str, *, expect_status: int | None = 200) -> Response | None:
        self._before_action()
        response = self.page.goto(self.url(path))
        if expect_status is not None:
            assert response is not None
            assert response.status == expect_status, (
                f"GET {path} answered {response.status}, expected {expect_status}"
            )
        self.check()
        return response

    def submit(self, button: Locator) -> None:
        """Click a submit button (or link) that loads a new page, then check it."""
        self._before_action()
        with self.page.expect_navigation():
            button.click()
        self.check()

    click = submit

    def main_form(self) -> Locator:
        """The form in <main> (the header holds the language and sign-out forms)."""
        return self.page.locator("main form[method=post], main form[method=POST]").first

    def sign_in(self, email: str, password: str) -> None:
        self.visit("/accounts/login/")
        self.page.fill("input[name=username]", email)
        self.page.fill("input[name=password]", password)
        self.submit(self.page.locator("main button[type=submit]").first)

    def switch_language(self, code: str) -> None:
        self._before_action()
        form = self.page.locator("form.language-form, header form:has(select[name=language])")
        form.locator("select[name=language]").select_option(code)
        self.submit(form.locator("button[type=submit]").first)

    @property
    def lang(self) -> str:
        return str(self.page.locator("html").get_attribute("lang"))

    def finish(self) -> None:
        self.check()


# Playwright's sync API keeps its asyncio loop marked as running in this thread while it
# is alive, so Django would refuse its ORM here (SynchronousOnlyOperation) unless this is
# set. It is set only while Playwright runs, not for the whole session: the variable
# also fails `manage.py check --deploy` (async.E001) in subprocesses of other tests.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="package")
def playwright(django_db_setup: None) -> Iterator[Playwright]:
    """Playwright's sync API, alive for the browser tests of this package (they run one
    after another: pytest-django orders live-server tests together).

    While it runs, the main thread sees new Django connection objects: they lack the test
    database's serialized contents (the reference data that serialized rollback puts back
    after each live-server test), so those are handed over."""
    if missing := _missing_dependencies():
        pytest.fail(
            "Browser tests need " + " and ".join(missing) + ": run `make browser-deps`.",
            pytrace=False,
        )
    from django.db import connections

    serialized = {
        alias: contents
        for alias in connections
        if (contents := getattr(connections[alias], "_test_serialized_contents", None))
    }
    # Close the connections of both sides, or PostgreSQL cannot drop the test databases
    # at the end (Django keeps in-memory SQLite open regardless).
    for connection in connections.all(initialized_only=True):
        connection.close()
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as running:
            for alias, contents in serialized.items():
                connections[alias]._test_serialized_contents = contents  # type: ignore[attr-defined]
            yield running
            for connection in connections.all(initialized_only=True):
                connection.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless Chromium for the browser tests (per xdist worker)."""
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield chromium
    chromium.close()


@pytest.fixture
def browser_settings(settings: LazySettings) -> LazySettings:
    """The site as it runs (Dutch by default: the root conftest makes other tests read
    English), with plain-HTTP cookies on the live server (production marks them Secure)."""
    from digibank import settings as project_settings

    settings.LANGUAGE_CODE = project_settings.LANGUAGE_CODE
    settings.LANGUAGE_COOKIE_SECURE = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return settings


@pytest.fixture
def site(
    browser: Browser,
    live_server: Any,
    browser_settings: LazySettings,
    django_db_serialized_rollback: None,
) -> Iterator[Site]:
    """A fresh context per test. The database is flushed after each live-server test;
    serialized rollback puts the reference data (municipalities, postcodes, programmes)
    back for the next one."""
    context = browser.new_context(
        bypass_csp=True,
        base_url=live_server.url,
        locale="nl-BE",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    site = Site(page, live_server.url)
    try:
        yield site
        site.finish()
    finally:
        context.close()
