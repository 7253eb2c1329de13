"""The demo extension: realistic rows at the tiny scale, and the bulk path (with small
numbers) keeps the capacity and uniqueness rules of the real tables."""

from __future__ import annotations

import dataclasses
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from digibank.demo.extensions import learning as demo
from digibank.demo.scales import SCALES
from digibank.demo.seed_network import HubSeed
from digibank.learning.models import Certificate, Course, Enrolment, Offer, Session


@pytest.mark.django_db
def test_tiny_demo_has_courses_sessions_waiting_lists_and_certificates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = StringIO()
    call_command("demo_data", scale="tiny", seed=7, stdout=out)
    assert Course.objects.filter(is_shared_template=True).count() == 1
    assert Session.objects.filter(status="done").exists()
    assert Session.objects.filter(status__in=["planned", "full"]).exists()
    assert Enrolment.objects.filter(status="waiting").exists()
    assert Offer.objects.filter(status="open").exists()
    assert Certificate.objects.exists()
    assert not Session.objects.filter(seats_taken__gt=F("capacity")).exists()
    taken = Session.objects.annotate(
        held=Count("enrolments", filter=Q(enrolments__status__in=["enrolled", "offered"]))
    ).exclude(status__in=["cancelled", "done"])
    assert all(session.held == session.seats_taken for session in taken)


@pytest.mark.django_db
def test_bulk_path_with_small_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    call_command("demo_data", scale="tiny", seed=7, stdout=StringIO())
    from digibank.demo.build import _network_and_accounts  # noqa: F401  (loads the demo)

    monkeypatch.setattr(demo, "SESSIONS", 300)
    monkeypatch.setattr(demo, "ENROLMENTS", 3000)
    monkeypatch.setattr(demo, "BATCH", 500)
    hubs = _hub_seeds()
    before = Enrolment.objects.count()
    lines: list[str] = []
    demo.seed(
        hubs=hubs,
        scale=dataclasses.replace(SCALES["tiny"], bulk=True),
        seed=7,
        now=timezone.now(),
        out=lines.append,
    )
    assert "sessions" in lines[0]
    assert "rows/s" in lines[0]
    assert Enrolment.objects.count() - before > 500
    assert not Session.objects.filter(seats_taken__gt=F("capacity")).exists()
    bulk = Session.objects.filter(name="").annotate(
        held=Count("enrolments", filter=Q(enrolments__status="enrolled"))
    )
    assert all(session.held == session.seats_taken for session in bulk)


def _hub_seeds() -> list[HubSeed]:
    from digibank.accounts.models import Membership
    from digibank.network.models import Hub, Location

    seeds = []
    specs = {spec.slug: spec for spec in SCALES["tiny"].hubs}
    for hub in Hub.objects.filter(slug__in=specs):
        team: dict[str, list[int]] = {}
        for membership in Membership.objects.filter(hub=hub):
            team.setdefault(membership.role, []).append(membership.user_id)
        seeds.append(
            HubSeed(
                spec=specs[hub.slug],
                hub=hub,
                area=None,  # type: ignore[arg-type]
                locations=list(Location.objects.filter(hub=hub)),
                team=team,
            )
        )
    return seeds
