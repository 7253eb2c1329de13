"""The foundation's key pages: participant search, participant page, hub dashboard."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse

from digibank.core.text import fold, national_phone_digits
from digibank.people.models import Participant

from ..registry import Bench, Result, Skip, measurement, percentile

# How many participants of the hub the queries are drawn from.
SAMPLE = 5_000


def _url(name: str, **kwargs: object) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch as error:
        raise Skip(f"no URL named {name} yet") from error


def _sample(bench: Bench) -> list[tuple[int, str, str, str, str]]:
    """Participants of the bench hub, drawn at random: (id, given, family, phone, postcode)."""
    rng = bench.rng("sample")
    bounds = Participant.objects.filter(hub=bench.hub).order_by("pk")
    first, last = (
        bounds.values_list("pk", flat=True).first(),
        bounds.reverse().values_list("pk", flat=True).first(),
    )
    if first is None or last is None:
        raise Skip("the hub has no participants")
    wanted = sorted({rng.randint(first, last) for _ in range(SAMPLE * 4)})
    rows: list[tuple[int, str, str, str, str]] = []
    for start in range(0, len(wanted), 900):  # stay under SQLite's parameter limit
        rows.extend(
            Participant.objects.filter(
                hub=bench.hub, pk__in=wanted[start : start + 900], anonymised_at__isnull=True
            ).values_list("pk", "given_name", "family_name", "phone", "postcode")
        )
    rng.shuffle(rows)
    return rows[:SAMPLE]


# Letters people type as a plain Latin letter that Unicode does not decompose.
_PLAIN_LETTERS = str.maketrans(
    {"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss"}
)


def typed_plain(name: str) -> str:
    """A name as someone types it without accents (a Turkish dotless i as i)."""
    return fold(name.translate(_PLAIN_LETTERS))


def search_query(
    rng: random.Random, given: str, family: str, phone: str, postcode: str
) -> tuple[str, str]:
    """What a staff member types to find someone, in the mix seen at a help desk:
    (kind of query, query)."""
    roll = rng.random()
    if roll < 0.25 and family:  # the start of the family name, as written: "Van d", "Çel"
        return "family", family[: rng.randint(3, max(3, min(7, len(family))))]
    if roll < 0.40 and family:  # typed without accents or capitals: "celik", "dupre"
        plain = typed_plain(family)
        return "family_plain", plain[: rng.randint(3, max(3, len(plain)))]
    if roll < 0.50 and given and family:  # given and (part of the) family name
        return "given_family", f"{given} {family[: rng.randint(2, max(2, len(family)))]}"
    if roll < 0.58 and given:  # given name only
        return "given", given[: rng.randint(3, max(3, len(given)))]
    number = national_phone_digits(phone)
    if roll < 0.72 and number:  # the end of a phone number: "34 56", "123456"
        tail = number[-rng.randint(4, 6) :]
        return "phone_end", f"{tail[:-2]} {tail[-2:]}" if rng.random() < 0.5 else tail
    if roll < 0.85 and number:  # the start, with or without spaces: "0470 12", "047012"
        head = number[: rng.randint(4, 8)]
        return "phone_start", f"{head[:4]} {head[4:]}".strip() if rng.random() < 0.5 else head
    if roll < 0.90 and number:  # the whole number as people write it
        return "phone", phone
    if postcode:
        return "postcode", postcode
    return "family", family[:4] or given[:4] or "a"


@measurement("people.search", order=10)
def people_search(bench: Bench) -> Result:
    rng = bench.rng("people.search")
    sample = _sample(bench)
    base = _url("people:list", hub=bench.hub.slug)
    kinds, urls = [], []
    for _ in range(bench.warmup + bench.requests):
        _, given, family, phone, postcode = rng.choice(sample)
        kind, query = search_query(rng, given, family, phone, postcode)
        kinds.append(kind)
        urls.append(f"{base}?{urlencode({'q': query})}")
    # A search "finds nothing" when the page links to no participant of the hub.
    link = _detail_link_pattern(bench.hub.slug)
    empty: list[str] = []

    def inspect(url: str, response: HttpResponse) -> None:
        if link and response.status_code == 200 and not link.search(response.content.decode()):
            empty.append(url)

    timing = bench.time_get(urls, inspect=inspect)
    by_kind: dict[str, list[float]] = defaultdict(list)
    for kind, latency in zip(kinds[bench.warmup :], timing.latencies_ms, strict=True):
        by_kind[kind].append(latency)
    bench.notes.append(
        "people.search p50/p95 ms by kind of query: "
        + ", ".join(
            f"{kind} {percentile(values, 50):.0f}/{percentile(values, 95):.0f} (n={len(values)})"
            for kind, values in sorted(by_kind.items())
        )
    )
    if link:
        examples = ", ".join(sorted({url.split("?", 1)[1] for url in empty})[:6])
        bench.notes.append(
            f"people.search: {len(empty)} of {bench.requests} searches showed no participant"
            + (f" (for example {examples})" if examples else "")
        )
    return bench.result("people.search", timing, rows=Participant.objects.count())


def _detail_link_pattern(hub: str) -> re.Pattern[str] | None:
    """Links to participant pages of the hub, from the URL conf (None without one)."""
    marker = 987654321
    try:
        url = reverse("people:detail", kwargs={"hub": hub, "pk": marker})
    except NoReverseMatch:
        return None
    return re.compile(re.escape(url).replace(str(marker), r"\d+"))


@measurement("people.detail", order=20)
def people_detail(bench: Bench) -> Result:
    rng = bench.rng("people.detail")
    sample = _sample(bench)
    _url("people:detail", hub=bench.hub.slug, pk=sample[0][0])
    urls = [
        reverse("people:detail", kwargs={"hub": bench.hub.slug, "pk": rng.choice(sample)[0]})
        for _ in range(bench.warmup + bench.requests)
    ]
    return bench.page_result("people.detail", urls, rows=Participant.objects.count())


@measurement("hub.dashboard", order=30)
def hub_dashboard(bench: Bench) -> Result:
    url = _url("network:dashboard", hub=bench.hub.slug)
    return bench.page_result(
        "hub.dashboard", [url] * (bench.warmup + bench.requests), rows=Participant.objects.count()
    )
