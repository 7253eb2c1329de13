"""The pages work under the site's real Content Security Policy (the other browser
tests bypass it to add axe-core): no script or style is refused, and the live search
(HTMX, loaded with the CSP nonce) still runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import LazySettings
from playwright.sync_api import Browser, ConsoleMessage, expect

from digibank.accounts.models import User
from digibank.network.models import Hub
from digibank.people.keys import apply_search_keys
from digibank.people.models import Participant

from .conftest import TEST_PASSWORD, TIMEOUT_MS, Site

pytestmark = pytest.mark.browser


@pytest.fixture
def strict_site(
    browser: Browser,
    live_server: Any,
    browser_settings: LazySettings,
    django_db_serialized_rollback: None,
) -> Iterator[tuple[Site, list[str]]]:
    context = browser.new_context(base_url=live_server.url, locale="nl-BE")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    refused: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if re.search(r"Content Security Policy|Refused to", message.text):
            refused.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    site = Site(page, live_server.url, csp_enforced=True)
    try:
        yield site, refused
        site.finish()
    finally:
        context.close()


def test_pages_work_under_the_content_security_policy(
    strict_site: tuple[Site, list[str]], staff: User, hub: Hub
) -> None:
    site, refused = strict_site
    person = Participant(
        hub=hub, given_name="Yasmina", family_name="El Amrani", phone="0470 11 22 33"
    )
    apply_search_keys(person)
    person.save()

    site.sign_in(staff.email, TEST_PASSWORD)
    site.visit(f"/h/{hub.slug}/people/")
    site.page.locator("main input[name=q]").fill("amra")
    site.page.wait_for_url(re.compile(r"q=amra"))
    expect(site.page.locator("#search-results")).to_contain_text("Yasmina El Amrani")
    site.check(force=True)
    site.visit(f"/h/{hub.slug}/people/{person.pk}/")
    site.visit(f"/h/{hub.slug}/")
    assert not refused, "\n".join(refused)
