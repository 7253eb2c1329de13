"""Anonymous visitors: counted with age band, gender, status, postcode and location
only; dates from a year ago to today; a paginated list with a date filter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from digibank.accounts.roles import HubRole
from digibank.network.models import Location, LocationKind, Municipality
from digibank.people.models import AnonymousVisitor

from .conftest import people_url


def visit(**overrides):
    data = {
        "visited_on": timezone.localdate().isoformat(),
        "location": "",
        "age_band": "65-79",
        "gender": "woman",
        "status": "retired",
        "postcode": "9000",
    }
    data.update(overrides)
    return data


def test_the_form_shows_only_the_hubs_open_locations(client_for, staff, hub, other_hub, location):
    gent = Municipality.objects.get(nis_code="44021")
    Location.objects.create(
        hub=hub,
        name="Gesloten punt",
        kind=LocationKind.OTHER,
        postcode="9000",
        municipality=gent,
        is_active=False,
    )
    Location.objects.create(
        hub=other_hub,
        name="Punt Hasselt",
        kind=LocationKind.OTHER,
        postcode="9000",
        municipality=gent,
    )
    page = client_for(staff).get(people_url(hub, "visitor_create")).content.decode()
    assert location.name in page
    assert "Gesloten punt" not in page
    assert "Punt Hasselt" not in page
    for name in ("visited_on", "location", "age_band", "gender", "status", "postcode"):
        assert f'name="{name}"' in page
    assert "given_name" not in page


def test_count_a_visitor(client_for, digihelper, hub, location):
    response = client_for(digihelper).post(
        people_url(hub, "visitor_create"), visit(location=location.pk)
    )
    assert response.status_code == 302
    assert response["Location"] == people_url(hub, "visitors")
    visitor = AnonymousVisitor.objects.get()
    assert (visitor.hub, visitor.location, visitor.age_band, visitor.postcode) == (
        hub,
        location,
        "65-79",
        "9000",
    )
    assert visitor.recorded_by == digihelper


def test_save_and_count_another(client_for, staff, hub):
    response = client_for(staff).post(people_url(hub, "visitor_create"), visit(another="1"))
    assert response["Location"] == people_url(hub, "visitor_create")


def test_nothing_is_required_but_the_date(client_for, staff, hub):
    response = client_for(staff).post(
        people_url(hub, "visitor_create"),
        visit(age_band="", gender="", status="", postcode=""),
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"visited_on": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "The date cannot be in the future.",
        ),
        (
            {"visited_on": (timezone.localdate() - timedelta(days=400)).isoformat()},
            "The date cannot be more than a year ago.",
        ),
        ({"visited_on": "yesterday"}, "Type a date like 2025-03-31."),
        ({"visited_on": ""}, "This field is required."),
        ({"postcode": "9999"}, "This postcode does not exist in Belgium."),
        ({"age_band": "200+"}, "Select a valid choice."),
        ({"location": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_explained(client_for, staff, hub, overrides, message):
    response = client_for(staff).post(people_url(hub, "visitor_create"), visit(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AnonymousVisitor.objects.exists()


def test_another_hubs_location_is_refused(client_for, staff, hub, other_hub):
    elsewhere = Location.objects.create(
        hub=other_hub,
        name="Punt Hasselt",
        kind=LocationKind.OTHER,
        postcode="3500",
        municipality=Municipality.objects.get(nis_code="71072"),
    )
    response = client_for(staff).post(
        people_url(hub, "visitor_create"), visit(location=elsewhere.pk)
    )
    assert response.status_code == 200
    assert not AnonymousVisitor.objects.exists()


def make_visits(hub, user, days_ago: int, number: int) -> None:
    AnonymousVisitor.objects.bulk_create(
        AnonymousVisitor(
            hub=hub,
            recorded_by=user,
            age_band="18-24",
            visited_on=timezone.localdate() - timedelta(days=days_ago),
        )
        for _ in range(number)
    )


def test_the_list_filters_by_date(client_for, staff, hub, other_hub, make_user):
    make_visits(hub, staff, 0, 2)
    make_visits(hub, staff, 10, 3)
    make_visits(other_hub, make_user(HubRole.STAFF, other_hub), 0, 4)
    client = client_for(staff)
    assert "5 visits" in client.get(people_url(hub, "visitors")).content.decode()
    today = timezone.localdate().isoformat()
    page = client.get(people_url(hub, "visitors"), {"start": today, "end": today})
    assert "2 visits" in page.content.decode()
    bad = client.get(people_url(hub, "visitors"), {"start": "someday"})
    assert bad.status_code == 200
    assert "Type a date like 2025-03-31." in bad.content.decode()


def test_the_list_has_bounded_queries(
    client_for, staff, hub, location, django_assert_max_num_queries
):
    make_visits(hub, staff, 1, 40)
    AnonymousVisitor.objects.update(location=location)
    client = client_for(staff)
    with django_assert_max_num_queries(6):
        response = client.get(people_url(hub, "visitors"))
    assert response.content.decode().count(location.name) == 25


def test_who_may_count(client_for, make_user, hub):
    trainer = client_for(make_user(HubRole.TRAINER, hub))
    assert trainer.get(people_url(hub, "visitors")).status_code == 200
    assert trainer.post(people_url(hub, "visitor_create"), visit()).status_code == 403
    partner = client_for(make_user(HubRole.PARTNER_VIEWER, hub))
    assert partner.get(people_url(hub, "visitors")).status_code == 403
