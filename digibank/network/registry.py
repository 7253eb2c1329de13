"""Places where higher apps show what they know on network pages, without network
importing them: each app registers its providers in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise


@dataclass(frozen=True)
class DashboardPanel:
    """A panel on the hub dashboard: a template and its context. A provider returns None
    for roles that may not see it (for example personal data for partner viewers)."""

    template: str
    context: dict[str, Any]


# provider(request) -> panel or None; request.hub and request.membership are set.
DashboardProvider = Callable[[HttpRequest], DashboardPanel | None]
# provider(hub_ids) -> {hub_id: {label: number}}: aggregate figures, never personal data.
HubFiguresProvider = Callable[[Iterable[int]], dict[int, dict[str | Promise, int]]]


@dataclass(frozen=True)
class NavItem:
    """A section in the hub's navigation bar. `permission` None: every member sees it.
    `sections` are the URL namespaces (or namespace:name) where the item is current."""

    label: str | Promise
    url_name: str
    permission: str | None = None
    sections: tuple[str, ...] = ()
    order: int = 100


_nav_items: list[NavItem] = []
_dashboard_providers: list[tuple[int, DashboardProvider]] = []
_hub_figures_providers: list[HubFiguresProvider] = []


def register_dashboard_panel(provider: DashboardProvider, *, order: int = 100) -> None:
    _dashboard_providers.append((order, provider))
    _dashboard_providers.sort(key=lambda item: item[0])


def dashboard_panels(request: HttpRequest) -> list[DashboardPanel]:
    panels = (provider(request) for _, provider in _dashboard_providers)
    return [panel for panel in panels if panel is not None]


def register_hub_figures(provider: HubFiguresProvider) -> None:
    _hub_figures_providers.append(provider)


def hub_figures(hub_ids: Iterable[int]) -> dict[int, dict[str | Promise, int]]:
    """Aggregate figures per hub from every registered app, for programme pages."""
    ids = list(hub_ids)
    figures: dict[int, dict[str | Promise, int]] = {hub_id: {} for hub_id in ids}
    for provider in _hub_figures_providers:
        for hub_id, values in provider(ids).items():
            figures.setdefault(hub_id, {}).update(values)
    return figures


def register_hub_nav(item: NavItem) -> None:
    if item not in _nav_items:
        _nav_items.append(item)
        _nav_items.sort(key=lambda entry: entry.order)


def hub_nav(permissions: frozenset[str]) -> list[NavItem]:
    """The navigation items a member with these permissions sees, in order."""
    return [
        item for item in _nav_items if item.permission is None or item.permission in permissions
    ]


def hub_figures_provider_count() -> int:
    """How many apps add figures to programme pages (each costs a fixed query or two)."""
    return len(_hub_figures_providers)


# provider(request) -> panel or None: a section on the home page (where a user starts),
# for work that is not in a hub, such as an organisation's funding applications.
HomeProvider = Callable[[HttpRequest], DashboardPanel | None]
# provider(request, programme) -> panel or None: a section on a programme's page, for
# the programme's officers and reviewers (calls, applications, grants).
ProgrammeProvider = Callable[[HttpRequest, Any], DashboardPanel | None]

_home_providers: list[tuple[int, HomeProvider]] = []
_programme_providers: list[tuple[int, ProgrammeProvider]] = []


def register_home_section(provider: HomeProvider, *, order: int = 100) -> None:
    if all(existing is not provider for _, existing in _home_providers):
        _home_providers.append((order, provider))
        _home_providers.sort(key=lambda item: item[0])


def home_sections(request: HttpRequest) -> list[DashboardPanel]:
    sections = (provider(request) for _, provider in _home_providers)
    return [section for section in sections if section is not None]


def register_programme_section(provider: ProgrammeProvider, *, order: int = 100) -> None:
    if all(existing is not provider for _, existing in _programme_providers):
        _programme_providers.append((order, provider))
        _programme_providers.sort(key=lambda item: item[0])


def programme_sections(request: HttpRequest, programme: Any) -> list[DashboardPanel]:
    sections = (provider(request, programme) for _, provider in _programme_providers)
    return [section for section in sections if section is not None]
