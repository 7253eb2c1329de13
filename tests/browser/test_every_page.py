"""Every page of the site, on a phone and on a desktop, in Dutch and in French.

Each URL of the URL conf (the tenancy walker's list, filled with hub A's records from
tests/world.py) is opened in one Chromium tab by the role that may see it: anonymous for
the public pages, the coordinator for hub pages (all hub permissions), the programme
officer for programme pages, a platform admin for Django's admin (its index and every
list). EVERY_PAGE_ROLES=platform_admin,coordinator runs some roles only. Each page is checked

- with axe-core at desktop width (1280 px) and again at 320 px (WCAG 1.4.10 reflow:
  the same page, resized, no second load); in French at 320 px only (the markup is
  the same; the longer French words matter on a phone);
- for sideways scroll at 320 px (`scrollWidth > clientWidth` of the document);
- for a title, different from the titles of the other pages of its app (WCAG 2.4.2);
- for English on a Dutch page: a text that is an English message of the catalogue
  with a different Dutch translation, or a run of English words.

The world is built once, both languages run in one test, and each page loads once per
language: a few minutes for every route name of the site.
"""

from __future__ import annotations

import gettext
import os
import re
import time
from collections import defaultdict
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import ViewportSize

from digibank.accounts.models import User
from digibank.accounts.roles import HubRole
from digibank.network.models import Hub

from ..urlwalk import Route, slots_for, url_for, walked_routes
from ..world import World, build_world
from .conftest import TEST_PASSWORD, AxeViolations, Site, axe_check
from .test_layout import OVERFLOW_JS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 320, "height": 640}
ADMIN = "platform_admin"

# English words that do not occur in Dutch text (two of them in one text: English).
ENGLISH_WORDS = frozenset(
    {
        "the",
        "your",
        "you",
        "with",
        "please",
        "this",
        "that",
        "these",
        "which",
        "there",
        "their",
        "would",
        "should",
        "could",
        "here",
        "when",
        "what",
        "who",
        "where",
        "from",
        "have",
        "has",
        "were",
        "will",
        "about",
        "after",
        "before",
    }
)
# Names and codes that are the same in every language (not English text).
ENGLISH_ALLOWED = frozenset({"digibank", "Digibank", "itsme", "DigComp 2.2", "e-mail", "PDF"})

SCROLL_WIDTH = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Visible text of the page: each element's own text, and the names a screen reader reads
# from attributes.
PAGE_TEXTS = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, option, [lang]:not(html)')) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) texts.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [alt], [placeholder]')) {
    if (el.closest('[lang]:not(html)')) continue;
    for (const name of ['aria-label', 'title', 'alt', 'placeholder']) {
      const value = el.getAttribute(name);
      if (value) texts.push(value.trim());
    }
  }
  return texts;
}"""


ROLES = os.environ.get(
    "EVERY_PAGE_ROLES", f"anonymous,programme_officer,{HubRole.COORDINATOR.value},{ADMIN}"
).split(",")
# Pages that are the same page under two URLs (a link that no longer works, whether to
# activate or to ask again; "look in your mailbox" after either request).
SAME_PAGE = {
    frozenset({"accounts:activate", "accounts:activation_resend"}),
    frozenset({"accounts:check_mailbox", "accounts:password_reset_done"}),
}
# The admin shows reference data in every language (topic names in English, say):
# there only its own words are checked.
ADMIN_TEXTS = """() => Array.from(
  document.querySelectorAll('thead th, #changelist-filter h2, #changelist-filter h3, label, caption')
).map(element => element.textContent.replace(/\\s+/g, ' ').trim()).filter(Boolean)"""


def _viewer(route: Route, world: World) -> str:
    kinds = {slot.kind for slot in slots_for(route, world).values()}
    if "hub" in kinds:
        return HubRole.COORDINATOR.value
    if "programme" in kinds or route.name in {"programmes:list", "core:home"}:
        return "programme_officer"
    return "anonymous"


@cache
def english_messages() -> frozenset[str]:
    """English messages of the catalogue whose Dutch translation differs: seen as such
    on a Dutch page, they were not translated."""
    with (ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.mo").open("rb") as mo:
        catalogue: dict[object, str] = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    texts = (
        (msgid.split("\x04")[-1], msgstr)  # without its context
        for msgid, msgstr in catalogue.items()
        if isinstance(msgid, str)
    )
    return frozenset(
        text
        for text, msgstr in texts
        if msgstr and msgstr != text and " " in text and "%" not in text and "{" not in text
    )


def english_on_page(texts: list[str]) -> list[str]:
    found = []
    messages = english_messages()
    for text in texts:
        if text in ENGLISH_ALLOWED:
            continue
        english_words = [
            word for word in re.findall(r"[a-z]+", text.lower()) if word in ENGLISH_WORDS
        ]
        if text in messages or len(english_words) >= 2:
            found.append(text)
    return found


def test_english_detector() -> None:
    assert english_on_page(["Your account", "Je account", "Digibank Gent"]) == ["Your account"]
    assert english_on_page(["Click here when the device is back"]) != []
    assert english_on_page(["Zet het toestel terug in de kast"]) == []


def _pages(world: World) -> dict[str, list[tuple[str, str]]]:
    """(route name, path) per role that opens it."""
    pages: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for route in walked_routes():
        pages[_viewer(route, world)].append((route.name, url_for(route, world, {}, "a")))
    # Django's admin, as a platform admin: the index, and each model's list, add page and
    # the change page of its first row.
    pages[ADMIN].append(("admin:index", reverse("admin:index")))
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages[ADMIN].append((f"{prefix}_changelist", reverse(f"{prefix}_changelist")))
        # Not yet the add and change forms: their select2 autocompletes and the date
        # shortcuts' English names are Django's own scripts (see the issue's notes).
    device = TOTPDevice.objects.first()
    assert device is not None
    pages[ADMIN].append(
        (
            "admin:otp_totp_totpdevice_config",
            reverse("admin:otp_totp_totpdevice_config", args=[device.pk]),
        )
    )
    return pages


class Checker:
    """Opens pages in one tab and collects what is wrong with them."""

    def __init__(self, site: Site, language: str) -> None:
        self.site = site
        self.language = language
        self.problems: list[str] = []
        self.titles: dict[str, dict[str, str]] = defaultdict(dict)  # app -> title -> name
        self.visited = 0

    def is_page(self, role: str, name: str, path: str) -> bool:
        """Asked first (with the tab's cookies): POST-only views, PDFs, JSON and
        redirects away are not pages to check."""
        answer = self.site.page.request.get(self.site.url(path), max_redirects=0)
        if answer.status >= 500:
            self.problems.append(f"as {role}: {path} ({name}) answered {answer.status}")
        return answer.status == 200 and "html" in answer.headers.get("content-type", "")

    def check(self, role: str, name: str, path: str) -> None:
        page = self.site.page
        where = f"[{self.language}] as {role}: {path} ({name})"
        self.visited += 1
        page.set_viewport_size(DESKTOP)
        page.goto(self.site.url(path))
        if self.language == "nl":  # French: the same markup, checked at 320 px below
            self._axe(where, "desktop")
        self._title(where, name)
        texts = PAGE_TEXTS if role != ADMIN else ADMIN_TEXTS
        if self.language == "nl" and (english := english_on_page(page.evaluate(texts))):
            self.problems.append(f"{where}: English on a Dutch page: {english[:5]}")
        page.set_viewport_size(PHONE)
        if (overflow := page.evaluate(SCROLL_WIDTH)) > 0:
            wide = page.evaluate(OVERFLOW_JS)["wide"]
            self.problems.append(f"{where}: scrolls sideways by {overflow} px at 320 px: {wide}")
        self._axe(where, "320 px")

    def _axe(self, where: str, width: str) -> None:
        try:
            axe_check(self.site.page)
        except AxeViolations as violations:
            self.problems.append(f"{where} at {width}: {violations}")

    def _title(self, where: str, name: str) -> None:
        title = " ".join(self.site.page.title().split())
        if not title or title.startswith("·"):
            self.problems.append(f"{where}: the page has no title of its own ({title!r})")
            return
        app = name.split(":")[0]
        other = self.titles[app].setdefault(title, name)
        if other != name and frozenset({other, name}) not in SAME_PAGE:
            self.problems.append(f"{where}: the same title as {other}: {title!r}")


def test_every_page_on_a_phone_and_a_desktop_in_dutch_and_french(
    site: Site, hub: Hub, other_hub: Hub, make_user: Callable[..., User]
) -> None:
    started = time.monotonic()
    world = build_world(hub=hub, other_hub=other_hub, make_user=make_user)
    world.users[ADMIN] = admin_user = make_user(
        full_name="Platform Admin", is_staff=True, is_superuser=True
    )
    TOTPDevice.objects.create(user=admin_user, name="Telefoon", confirmed=False)
    pages = _pages(world)
    pages.setdefault("anonymous", [])
    problems: list[str] = []
    visited = 0
    for language in ("nl", "fr"):
        checker = Checker(site, language)
        for role in ROLES:
            site.page.context.clear_cookies()
            site.page.context.add_cookies(
                [{"name": "django_language", "value": language, "url": site.base_url}]
            )
            if (user := world.users[role]) is not None:
                site.sign_in(user.email, TEST_PASSWORD)
            if language == "nl":  # which URLs are pages: the same in every language
                pages[role] = [page for page in pages[role] if checker.is_page(role, *page)]
            for name, path in pages[role]:
                checker.check(role, name, path)
        problems += checker.problems
        visited += checker.visited
    site.checked = len(site.navigations)  # every page was checked above, at both widths
    assert visited >= (100 if len(ROLES) == 4 else 10), (
        f"only {visited} pages were checked: {pages}"
    )
    assert not problems, f"{len(problems)} problems on {visited} pages:\n\n" + "\n\n".join(problems)
    assert time.monotonic() - started < 600, "the walk should stay within a few minutes"
