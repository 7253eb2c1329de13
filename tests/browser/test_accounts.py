"""Signing in (with a wrong password first), by keyboard only, and switching language."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Locator, expect

from digibank.accounts.models import User
from digibank.network.models import Hub

from .conftest import TEST_PASSWORD as PASSWORD
from .conftest import Site

pytestmark = pytest.mark.browser


def test_sign_in_after_a_wrong_password(site: Site, coordinator: User, hub: Hub) -> None:
    page = site.page
    site.visit("/accounts/login/")
    assert site.lang == "nl", "Dutch is the default language"
    page.fill("input[name=username]", coordinator.email)
    page.fill("input[name=password]", "not-the-password")
    site.submit(page.locator("main button[type=submit]"))

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    assert site.path.startswith("/accounts/login/"), "a wrong password does not sign in"
    expect(page.locator("input[name=username]")).to_have_value(coordinator.email)

    page.fill("input[name=password]", PASSWORD)
    site.submit(page.locator("main button[type=submit]"))
    assert site.path == f"/h/{hub.slug}/", "a coordinator of one hub lands on its dashboard"
    expect(page.locator("header")).to_contain_text(hub.name)
    expect(page.locator("header form[action$='/accounts/logout/'] button")).to_be_visible()


# Styles that make focus visible: an outline, or a change of shadow, border or colours.
FOCUS_STYLE_JS = """(el) => {
  const s = getComputedStyle(el);
  return {
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
      ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : '',
    shadow: s.boxShadow, border: `${s.borderColor} ${s.borderWidth}`,
    background: s.backgroundColor, color: s.color, decoration: s.textDecorationLine,
  };
}"""

ACTIVE_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  if (!el.dataset.tabStop) el.dataset.tabStop = String(document.querySelectorAll('[data-tab-stop]').length);
  return {
    stop: el.dataset.tabStop, tag: el.tagName.toLowerCase(), name: el.getAttribute('name') || '',
    type: el.getAttribute('type') || '', text: (el.innerText || el.value || '').trim().slice(0, 40),
    inMain: !!el.closest('main'), focusVisible: el.matches(':focus-visible'),
    skipLink: el.getAttribute('href') === '#main',
  };
}"""


def _focused_style(locator: Locator) -> dict[str, Any]:
    return dict(locator.evaluate(FOCUS_STYLE_JS))


def test_login_page_by_keyboard_only(site: Site, coordinator: User, hub: Hub) -> None:
    """Tab reaches the skip link, both fields and the button (the e-mail field has
    autofocus, so the walk starts after it and comes round), each with a visible focus
    indicator; the form is filled and sent without a mouse."""
    page = site.page
    site.visit("/accounts/login/")

    stops: list[dict[str, Any]] = []
    styles: dict[str, dict[str, Any]] = {}
    for _ in range(40):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE_JS)
        if active is None:
            continue
        if any(stop["stop"] == active["stop"] for stop in stops):
            break  # came round again
        stops.append(active)
        styles[active["stop"]] = _focused_style(page.locator(f"[data-tab-stop='{active['stop']}']"))

    def find(**wanted: Any) -> dict[str, Any]:
        for stop in stops:
            if all(stop[key] == value for key, value in wanted.items()):
                return stop
        raise AssertionError(f"Tab never reaches {wanted}; it reaches {stops}")

    targets = {
        "skip link": find(tag="a", skipLink=True),
        "e-mail field": find(tag="input", name="username"),
        "password field": find(tag="input", name="password"),
        "sign-in button": find(tag="button", type="submit", inMain=True),
    }
    # Reading order, counted round from the skip link at the top of the page.
    start = stops.index(targets["skip link"])
    order = [
        (stops.index(targets[name]) - start) % len(stops)
        for name in ("skip link", "e-mail field", "password field", "sign-in button")
    ]
    assert order == sorted(order), f"Tab order is not the reading order: {stops}"

    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for name, stop in targets.items():
        element = page.locator(f"[data-tab-stop='{stop['stop']}']")
        blurred = _focused_style(element)
        focused = styles[stop["stop"]]
        visible = bool(focused["outline"]) or any(
            focused[key] != blurred[key] for key in ("shadow", "border", "background", "color")
        )
        assert visible, f"{name} shows no visible focus: focused {focused}, not {blurred}"
        assert stop["focusVisible"], f"{name} does not match :focus-visible"

    # Fill and send the form by keyboard alone.
    site.visit("/accounts/login/")
    for _ in range(40):
        if page.evaluate("() => document.activeElement.name") == "username":
            break
        page.keyboard.press("Tab")
    page.keyboard.type(coordinator.email)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    site.check()
    assert site.path == f"/h/{hub.slug}/"


def _header_words(site: Site) -> list[str]:
    """The interface text of the header and navigation (not the language names, which
    are the same in every language)."""
    return site.page.locator("header button, header nav a, .skip-link, footer").all_inner_texts()


def _sign_out_label(site: Site) -> str:
    return site.page.locator("header form[action$='/accounts/logout/'] button").inner_text()


def test_switch_language(site: Site, coordinator: User, hub: Hub) -> None:
    """The header's language form switches the whole interface: <html lang>, the
    navigation and the buttons, and the choice holds on the next page."""
    page = site.page
    site.sign_in(coordinator.email, PASSWORD)
    assert site.path == f"/h/{hub.slug}/"
    assert site.lang == "nl"
    dutch = _header_words(site)
    labels = {"nl": _sign_out_label(site)}

    site.switch_language("fr")
    assert site.lang == "fr", "the page is in French after switching"
    assert site.path == f"/h/{hub.slug}/", "switching language stays on the page"
    french = _header_words(site)
    assert french != dutch, f"the interface did not change from Dutch: {french}"
    expect(page.locator("select[name=language]")).to_have_value("fr")
    labels["fr"] = _sign_out_label(site)

    site.switch_language("en")
    assert site.lang == "en"
    english = _header_words(site)
    assert english not in (dutch, french), f"the interface did not change: {english}"
    labels["en"] = _sign_out_label(site)
    assert labels["en"] == "Sign out"
    assert len(set(labels.values())) == 3, (
        f"the sign-out button reads the same in two languages (translation missing?): {labels}"
    )

    # The choice sticks: the next page is in English too.
    site.visit(f"/h/{hub.slug}/locations/")
    assert site.lang == "en"

    site.switch_language("nl")
    assert site.lang == "nl"
    assert _header_words(site) != english
