"""axe-core on every page of the site: each URL of the URL conf (the tenancy walker's
list, filled with hub A's records from tests/world.py) opened in Chromium by the role
that may see it: anonymous for the public pages, the coordinator for hub pages (all hub
permissions), the programme officer for programme pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from digibank.accounts.models import User
from digibank.accounts.roles import HubRole
from digibank.network.models import Hub

from ..urlwalk import Route, slots_for, url_for, walked_routes
from ..world import World, build_world
from .conftest import TEST_PASSWORD, AxeViolations, Site

pytestmark = pytest.mark.browser


def _viewer(route: Route, world: World) -> str:
    kinds = {slot.kind for slot in slots_for(route, world).values()}
    if "hub" in kinds:
        return HubRole.COORDINATOR.value
    if "programme" in kinds or route.name in {"programmes:list", "core:home"}:
        return "programme_officer"
    return "anonymous"


def test_every_page_passes_axe(
    site: Site, hub: Hub, other_hub: Hub, make_user: Callable[..., User]
) -> None:
    world = build_world(hub=hub, other_hub=other_hub, make_user=make_user)
    pages: dict[str, list[str]] = {}
    for route in walked_routes():
        pages.setdefault(_viewer(route, world), []).append(url_for(route, world, {}, "a"))

    problems: list[str] = []
    visited = 0
    for role in ("anonymous", "programme_officer", HubRole.COORDINATOR.value):
        site.page.context.clear_cookies()
        user = world.users[role]
        if user is not None:
            site.sign_in(user.email, TEST_PASSWORD)
        for path in pages.get(role, []):
            # Ask first (with the tab's cookies): POST-only views, JSON and redirects
            # away are not pages to check.
            answer = site.page.request.get(site.url(path), max_redirects=0)
            if answer.status >= 500:
                problems.append(f"as {role}: GET {path} answered {answer.status}")
                continue
            if answer.status != 200 or "html" not in answer.headers.get("content-type", ""):
                continue
            visited += 1
            try:
                site.visit(path)
            except AxeViolations as violations:
                problems.append(f"as {role}: {violations}")
    assert visited >= 10, f"only {visited} pages were checked: {pages}"
    assert not problems, "\n\n".join(problems)
