"""Every URL pattern of the URL conf, and how to fill its kwargs with real ids of one
hub's records (see tests/world.py).

The list comes from `get_resolver()`, so a new URL is walked as soon as it exists.
Filling a kwarg, in this order:

1. `hub` -> the hub's slug; `programme` -> its programme's slug; `uidb64`/`token` of the
   password-reset link -> a real user's id and a wrong token (NEUTRAL_KWARGS).
2. KWARG_KINDS[(url name, kwarg)] -> a kind of record: the explicit lesson for a URL the
   rules below get wrong.
3. The kwarg's own name without `_pk`/`_id`/`_slug` (`consent_pk` -> consent,
   `location` -> location), also through KIND_ALIASES (`other_pk` -> participant).
4. A bare `pk`/`id`: the kind named by the path segment in front of it
   (`locations/<int:pk>/` -> location, `people/<int:pk>/journal/` -> participant,
   `team/<int:pk>/` -> membership), else the first kind named in the URL name that no
   other kwarg of the URL uses, else the app's main kind (APP_DEFAULT_KIND).
5. The most plausible model: a model whose name is the stem, with a row of that hub in
   the world.

Anything else raises UnfillableKwarg, which fails the test with what to add. When a URL
takes the same kind twice (a merge: `pk` and `other_pk`), the second gets the second row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .world import Side, World
from .world_extensions import extension_modules

# Patterns the walker does not request, and why. Everything else is walked.
SKIPPED_PREFIXES: dict[str, str] = {
    "admin/": "Django's admin site: platform admins only (is_staff), none of the walked "
    "roles; test_admin_site_refuses_every_role checks that it turns them all away.",
    "i18n/": "Django's set_language view: takes no ids and stores only a language cookie.",
}


def _static_prefixes() -> dict[str, str]:
    skipped: dict[str, str] = {}
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        prefix = (url or "").lstrip("/")
        if prefix and not url.startswith(("http://", "https://", "//")):
            skipped[prefix] = "static and media files (served only with DEBUG)."
    return skipped


# Explicit lessons: (namespaced URL name, kwarg) -> kind of record in the world.
KWARG_KINDS: dict[tuple[str, str], str] = {}

# Other names a kwarg may use for a kind.
KIND_ALIASES: dict[str, str] = {
    "person": "participant",
    "people": "participant",
    "other": "participant",
    "into": "participant",
    "duplicate": "participant",
    "keep": "participant",
    "source": "participant",
    "target": "participant",
    "merge": "participant",
    "member": "membership",
    "team": "membership",
    "volunteer": "membership",
    "entry": "journal",
    "journalentry": "journal",
    "hours": "opening_hours",
    "openinghours": "opening_hours",
    "opening": "opening_hours",
    "exception": "opening_exception",
    "openingexception": "opening_exception",
    "closure": "opening_exception",
    "help_point": "location",
    "helppoint": "location",
    "digipunt": "location",
    "point": "location",
    "place": "location",
    "hubpartner": "partner",
    "organization": "organisation",
    "org": "organisation",
    "anonymousvisitor": "visitor",
    "visit": "visitor",
    "participanttargetgroup": "target_group",
    "group": "target_group",
}

# The kind a bare `pk` means in an app when the URL name does not say.
APP_DEFAULT_KIND: dict[str, str] = {"people": "participant"}

# Which role opens side A's own records in a URL namespace (see opener_role).
OPENER_ROLES: dict[str, str] = {}
# URLs anyone may open for any record: not expected to refuse other tenants.
PUBLIC_URL_NAMES: set[str] = set()

# Lessons from the apps' world extensions (tests/world_extensions/).
for _extension in extension_modules():
    KWARG_KINDS.update(getattr(_extension, "KWARG_KINDS", {}))
    KIND_ALIASES.update(getattr(_extension, "KIND_ALIASES", {}))
    APP_DEFAULT_KIND.update(getattr(_extension, "APP_DEFAULT_KIND", {}))
    OPENER_ROLES.update(getattr(_extension, "OPENER_ROLES", {}))
    PUBLIC_URL_NAMES.update(getattr(_extension, "PUBLIC_URL_NAMES", set()))

# Kwargs that are not tenant data. Functions of (world, side name) -> value.
NEUTRAL_KWARGS: dict[str, Callable[[World, str], str]] = {
    "uidb64": lambda world, side: urlsafe_base64_encode(
        force_bytes(world.side(side).objects["user"][0].pk)
    ),
    "token": lambda world, side: "set-password",
}
# Secrets of public links (a waiting-room screen's token) from the apps' extensions.
for _extension in extension_modules():
    NEUTRAL_KWARGS.update(getattr(_extension, "NEUTRAL_KWARGS", {}))

_SUFFIX = re.compile(r"_?(pk|id|slug)$")


class UnfillableKwarg(Exception):
    pass


@dataclass(frozen=True)
class Route:
    name: str  # "people:detail"; "" when the pattern has no name
    route: str  # "h/<slug:hub>/people/<int:pk>/"
    kwargs: tuple[tuple[str, str], ...]  # (kwarg, converter: int, slug, str, uuid, path, regex)

    @property
    def app(self) -> str:
        return self.name.rpartition(":")[0].split(":")[-1]

    @property
    def url_name(self) -> str:
        return self.name.rpartition(":")[2]

    @property
    def kwarg_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.kwargs)

    def __str__(self) -> str:
        return self.name or self.route


@dataclass(frozen=True)
class Slot:
    """What a kwarg holds: the hub, the programme, a neutral value, or a record."""

    kind: str  # "hub", "programme", "neutral" or a record kind such as "participant"
    index: int = 0  # which row of that kind (the second for a URL's second participant)

    @property
    def is_record(self) -> bool:
        return self.kind not in {"hub", "programme", "neutral"}


def _converter_name(converter: Any) -> str:
    if isinstance(converter, IntConverter):
        return "int"
    if isinstance(converter, UUIDConverter):
        return "uuid"
    return type(converter).__name__.removesuffix("Converter").lower()


def _pattern_kwargs(pattern: Any) -> list[tuple[str, str]]:
    converters = getattr(pattern, "converters", None) or {}
    if converters:
        return [(name, _converter_name(conv)) for name, conv in converters.items()]
    regex = getattr(pattern, "regex", None)
    if regex is not None:
        return [(name, "regex") for name in regex.groupindex]
    return []


def _walk(
    resolver: URLResolver, prefix: str, namespace: str, kwargs: list[tuple[str, str]]
) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        entry_kwargs = kwargs + _pattern_kwargs(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            yield from _walk(entry, route, inner, entry_kwargs)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield Route(name=name, route=route, kwargs=tuple(entry_kwargs))


def all_routes() -> list[Route]:
    """Every URL pattern, with its namespaced name and all kwargs of the chain."""
    return list(_walk(get_resolver(), "", "", []))


def skip_reason(route: Route) -> str | None:
    for prefix, reason in {**SKIPPED_PREFIXES, **_static_prefixes()}.items():
        if route.route.lstrip("^").startswith(prefix):
            return reason
    return None


def walked_routes() -> list[Route]:
    return [route for route in all_routes() if skip_reason(route) is None]


def _kind_from_stem(stem: str, kinds: set[str]) -> str | None:
    stem = stem.lower()
    for candidate in (stem, stem.removesuffix("s")):
        if candidate in kinds:
            return candidate
        if candidate in KIND_ALIASES:
            return KIND_ALIASES[candidate]
    # "other_participant", "new_location": the last known word wins.
    words = stem.split("_")
    for start in range(1, len(words)):
        tail = "_".join(words[start:])
        if tail in kinds:
            return tail
        if tail in KIND_ALIASES:
            return KIND_ALIASES[tail]
    return None


def _plausible_model_kind(stem: str, world: World) -> str | None:
    """A kind whose model is called like the stem ("loan_pk" -> a Loan in the world)."""
    wanted = stem.replace("_", "").lower()
    for kind, rows in world.b.objects.items():
        if rows and rows[0]._meta.model_name == wanted:
            return kind
    return None


def slots_for(route: Route, world: World) -> dict[str, Slot]:
    """How to fill each kwarg of the route, or UnfillableKwarg saying what to teach."""
    if not route.name:
        raise UnfillableKwarg(
            f"URL {route.route!r} has no name: give it one (path(..., name=...)) so the "
            "tenancy walker can reverse it."
        )
    kinds = set(world.b.objects)
    slots: dict[str, Slot] = {}
    record_kwargs: list[str] = []
    for kwarg, _converter in route.kwargs:
        if kwarg == "hub":
            slots[kwarg] = Slot("hub")
        elif kwarg == "programme":
            slots[kwarg] = Slot("programme")
        elif kwarg in NEUTRAL_KWARGS:
            slots[kwarg] = Slot("neutral")
        else:
            record_kwargs.append(kwarg)

    chosen: dict[str, str] = {}
    bare: list[str] = []
    for kwarg in record_kwargs:
        lesson = KWARG_KINDS.get((route.name, kwarg))
        stem = _SUFFIX.sub("", kwarg)
        if lesson:
            chosen[kwarg] = lesson
        elif kwarg in {"pk", "id"}:
            bare.append(kwarg)
        elif found := _kind_from_stem(stem, kinds) or _plausible_model_kind(stem, world):
            chosen[kwarg] = found
        else:
            raise _unfillable(route, kwarg)
    for kwarg in bare:
        used = set(chosen.values())
        words = [_segment_before(route, kwarg)]
        words += re.split(r"[_\-]", route.url_name.lower())
        candidates = [
            kind for word in words if (kind := _kind_from_stem(word, kinds)) and kind not in used
        ]
        kind = candidates[0] if candidates else APP_DEFAULT_KIND.get(route.app)
        if kind is None:
            raise _unfillable(route, kwarg)
        chosen[kwarg] = kind

    seen: dict[str, int] = {}
    for kwarg in record_kwargs:
        kind = chosen[kwarg]
        if kind not in kinds:
            raise UnfillableKwarg(
                f"{route}: kwarg {kwarg!r} is a {kind!r}, but the tenancy world has no "
                f"{kind!r}: add one to tests/world.py (_fill_side)."
            )
        slots[kwarg] = Slot(kind, seen.get(kind, 0))
        seen[kind] = seen.get(kind, 0) + 1
    return slots


def _segment_before(route: Route, kwarg: str) -> str:
    """The path segment in front of a kwarg names its collection: "locations/<int:pk>/"."""
    match = re.search(
        r"([A-Za-z_\-]+)/(?:<(?:\w+:)?" + kwarg + r">|\(\?P<" + kwarg + r">)", route.route
    )
    return match.group(1).replace("-", "_") if match else ""


def _unfillable(route: Route, kwarg: str) -> UnfillableKwarg:
    return UnfillableKwarg(
        f"{route} ({route.route}): the tenancy walker cannot fill URL kwarg {kwarg!r}. "
        f"Teach it in tests/urlwalk.py: add {(route.name, kwarg)!r}: '<kind>' to "
        "KWARG_KINDS (kinds: the keys of Side.objects in tests/world.py), or a new kind "
        "with one row per hub to tests/world.py."
    )


def value_for(
    slot: Slot, converter: str, side: Side, world: World, side_name: str, kwarg: str
) -> str:
    if slot.kind == "hub":
        return side.hub.slug
    if slot.kind == "programme":
        return side.programme.slug
    if slot.kind == "neutral":
        return NEUTRAL_KWARGS[kwarg](world, side_name)
    rows = side.objects[slot.kind]
    row: models.Model = rows[min(slot.index, len(rows) - 1)]
    if converter == "uuid":
        uuid_fields = [f for f in row._meta.fields if isinstance(f, models.UUIDField)]
        if not uuid_fields:
            raise UnfillableKwarg(f"{kwarg}: {row._meta.label} has no UUID field")
        return str(getattr(row, uuid_fields[0].name))
    if converter in {"slug", "str"} and hasattr(row, "slug"):
        return str(row.slug)
    return str(row.pk)


def url_for(route: Route, world: World, sides: dict[str, str], default_side: str) -> str:
    """Reverse the route with each kwarg taken from sides.get(kwarg, default_side)."""
    slots = slots_for(route, world)
    values: dict[str, str] = {}
    for kwarg, converter in route.kwargs:
        side_name = sides.get(kwarg, default_side)
        values[kwarg] = value_for(
            slots[kwarg], converter, world.side(side_name), world, side_name, kwarg
        )
    return reverse(route.name, kwargs=values)


def names_a_tenant(route: Route) -> bool:
    """Whether the URL names a hub, a programme or a hub's record (public pages aside)."""
    return route.name not in PUBLIC_URL_NAMES and any(
        kwarg not in NEUTRAL_KWARGS for kwarg in route.kwarg_names
    )


def takes_record_ids(route: Route) -> bool:
    """Whether the URL takes ids (or other keys) of a hub's records (public pages aside)."""
    return route.name not in PUBLIC_URL_NAMES and any(
        kwarg not in NEUTRAL_KWARGS and kwarg not in {"hub", "programme"}
        for kwarg in route.kwarg_names
    )


def opener_role(route: Route) -> str:
    """The role that opens side A's own record on this URL: the coordinator on hub
    pages, the programme officer on programme pages, else what the namespace's
    extension says (an applicant, a reviewer)."""
    kwargs = set(route.kwarg_names)
    if "hub" in kwargs:
        return "coordinator"
    if "programme" in kwargs:
        return "programme_officer"
    namespace = route.name.rpartition(":")[0]
    return OPENER_ROLES.get(namespace, "coordinator")


def record_kwargs(route: Route, world: World) -> list[str]:
    return [kwarg for kwarg, slot in slots_for(route, world).items() if slot.is_record]
