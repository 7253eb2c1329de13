"""Help point pages: list, detail, forms with errors, permissions, other hub, queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.network.models import Hub, Location, OpeningException, OpeningHours
from digibank.network.queries import local_today


def url(name: str, hub: Hub, **kwargs: Any) -> str:
    return reverse(f"network:{name}", kwargs={"hub": hub.slug, **kwargs})


def test_list_shows_the_hubs_help_points_only(
    hub: Hub,
    other_hub: Hub,
    staff: User,
    client_for: Callable[[User], Client],
    make_location: Callable[..., Location],
) -> None:
    make_location(hub, name="Digipunt Bibliotheek", offers_lending=True)
    make_location(other_hub, name="Elders")
    response = client_for(staff).get(url("locations", hub))
    assert response.status_code == 200
    assert "Digipunt Bibliotheek" in response.text
    assert "Elders" not in response.text
    assert "<caption>" in response.text
    # Staff may look but not manage.
    assert url("location_create", hub) not in response.text


def test_list_search(
    hub: Hub,
    staff: User,
    client_for: Callable[[User], Client],
    make_location: Callable[..., Location],
) -> None:
    make_location(hub, name="Digipunt Bibliotheek")
    make_location(hub, name="Wijkcentrum")
    response = client_for(staff).get(url("locations", hub), {"q": "wijk"})
    assert "Wijkcentrum" in response.text
    assert "Digipunt Bibliotheek" not in response.text


def test_list_and_detail_query_counts_do_not_grow(
    hub: Hub,
    coordinator: User,
    client_for: Callable[[User], Client],
    make_location: Callable[..., Location],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(coordinator)
    locations = [make_location(hub, weekdays=(0, 1, 2, 3, 4)) for _ in range(30)]
    for day in range(1, 31):
        OpeningException.objects.create(
            location=locations[0], date=local_today() + timedelta(days=day), is_closed=True
        )
    with django_assert_max_num_queries(8):
        assert client.get(url("locations", hub)).status_code == 200
    with django_assert_max_num_queries(8):
        response = client.get(url("location", hub, pk=locations[0].pk))
    assert response.status_code == 200
    assert "09:00–12:00, 13:00–16:30" in response.text


def test_detail_of_another_hubs_location_is_404(
    hub: Hub,
    other_hub: Hub,
    coordinator: User,
    client_for: Callable[[User], Client],
    make_location: Callable[..., Location],
) -> None:
    foreign = make_location(other_hub)
    client = client_for(coordinator)
    for name in ("location", "location_edit", "location_hours", "location_deactivate"):
        assert client.get(url(name, hub, pk=foreign.pk)).status_code == 404
    assert client.post(url("location_deactivate", hub, pk=foreign.pk)).status_code == 404
    assert client.get(url("location", hub, pk=999_999)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active


def test_non_member_gets_404(
    other_hub: Hub, coordinator: User, client_for: Callable[[User], Client]
) -> None:
    assert client_for(coordinator).get(url("locations", other_hub)).status_code == 404


@pytest.mark.parametrize("name", ["location_create"])
def test_staff_cannot_manage(
    hub: Hub, staff: User, digihelper: User, client_for: Callable[[User], Client], name: str
) -> None:
    for user in (staff, digihelper):
        assert client_for(user).get(url(name, hub)).status_code == 403
        assert client_for(user).post(url(name, hub), {"name": "x"}).status_code == 403
    assert not Location.objects.exists()


def test_staff_cannot_edit_hours_or_close(
    hub: Hub,
    staff: User,
    client_for: Callable[[User], Client],
    make_location: Callable[..., Location],
) -> None:
    location = make_location(hub)
    client = client_for(staff)
    for name in (
        "location_edit",
        "location_hours",
        "location_exception_add",
        "location_deactivate",
    ):
        assert client.post(url(name, hub, pk=location.pk)).status_code == 403


def test_create_with_errors_shows_summary_and_inline_errors(
    hub: Hub, coordinator: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(coordinator).post(
        url("location_create", hub),
        {"name": "", "kind": "digipunt", "postcode": "0999", "phone": "12"},
    )
    assert response.status_code == 200
    text = response.text
    assert "There is a problem" in text
    assert 'href="#id_name"' in text
    assert "We do not know the postcode 0999" in text
    assert 'id="id_phone_error"' in text
    assert not Location.objects.exists()


def test_create_then_redirect_to_opening_hours(
    hub: Hub, coordinator: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(coordinator).post(
        url("location_create", hub),
        {
            "name": "Digipunt Bib",
            "kind": "library",
            "street": "Kouter 1",
            "postcode": "9000",
            "phone": "09 123 45 67",
            "services": ["lending", "help_desk"],
            "accessibility_notes": "Lift",
        },
    )
    location = Location.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("location_hours", hub, pk=location.pk)
    assert location.offers_lending
    assert location.offers_help_desk
    assert not location.offers_training
    assert location.municipality.nis_code == "44021"


def test_postcode_in_several_municipalities_asks_to_choose(
    hub: Hub, coordinator: User, client_for: Callable[[User], Client]
) -> None:
    from digibank.network.models import Municipality, Postcode

    Postcode.objects.create(
        code="9000",
        place_name="Zzz",
        municipality=Municipality.objects.get(nis_code="11002"),
        latitude=1,
        longitude=2,
    )
    client = client_for(coordinator)
    data = {"name": "Punt", "kind": "digipunt", "postcode": "9000"}
    response = client.post(url("location_create", hub), data)
    assert response.status_code == 200
    assert "lies in several municipalities" in response.text
    assert '<select name="municipality"' in response.text
    response = client.post(url("location_create", hub), {**data, "municipality": "11002"})
    assert response.status_code == 302
    assert Location.objects.get().municipality_id == "11002"


def test_edit(
    hub: Hub,
    coordinator: User,
    client_for: Callable[[User], Client],
    make_location: Callable[..., Location],
) -> None:
    location = make_location(hub, name="Oud")
    client = client_for(coordinator)
    page = client.get(url("location_edit", hub, pk=location.pk))
    assert 'value="Oud"' in page.text
    response = client.post(
        url("location_edit", hub, pk=location.pk),
        {"name": "Nieuw", "kind": "school", "postcode": "9000", "is_mobile": "on"},
    )
    assert response.status_code == 302
    location.refresh_from_db()
    assert (location.name, location.kind, location.is_mobile) == ("Nieuw", "school", True)


def hours_data(
    rows: list[tuple[str, str, str]], initial: int = 0, delete: tuple[int, ...] = ()
) -> dict[str, str]:
    data = {
        "hours-TOTAL_FORMS": str(len(rows)),
        "hours-INITIAL_FORMS": str(initial),
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
    }
    for index, (day, opens, closes) in enumerate(rows):
        data[f"hours-{index}-weekday"] = day
        data[f"hours-{index}-opens_at"] = opens
        data[f"hours-{index}-closes_at"] = closes
        if index in delete:
            data[f"hours-{index}-DELETE"] = "on"
    return data


def test_opening_hours_formset(
    hub: Hub,
    coordinator: User,
    client_for: Callable[[User], Client],
    make_location: Callable[..., Location],
) -> None:
    location = make_location(hub, weekdays=(0,))
    client = client_for(coordinator)
    page = client.get(url("location_hours", hub, pk=location.pk))
    assert page.status_code == 200
    assert 'name="hours-TOTAL_FORMS" value="5"' in page.text  # two periods + three empty lines

    rows = [("0", "09:00", "12:00"), ("0", "13:00", "16:30"), ("2", "10:00", "12:00"), ("", "", "")]
    response = client.post(
        url("location_hours", hub, pk=location.pk), hours_data(rows, initial=2, delete=(1,))
    )
    assert response.status_code == 302
    periods = list(location.opening_hours.values_list("weekday", "opens_at", "closes_at"))
    assert periods == [(0, time(9), time(12)), (2, time(10), time(12))]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("0", "12:00", "09:00")], "closing time must be later"),
        ([("0", "09:00", "12:00"), ("0", "11:00", "13:00")], "overlap"),
        ([("0", "09:00", "")], "Enter the closing time"),
        ([("", "09:00", "12:00")], "Choose the day"),
        ([("0", "9 uur", "12:00")], "Enter a time like 09:00"),
    ],
)
def test_opening_hours_errors(
    hub: Hub,
    coordinator: User,
    client_for: Callable[[User], Client],
    make_location: Callable[..., Location],
    rows: list[tuple[str, str, str]],
    message: str,
) -> None:
    location = make_location(hub, weekdays=(3,))
    response = client_for(coordinator).post(
        url("location_hours", hub, pk=location.pk), hours_data(rows)
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert list(
        OpeningHours.objects.filter(location=location).values_list("weekday", flat=True)
    ) == [3, 3]


def test_exception_add_and_remove(
    hub: Hub,
    coordinator: User,
    client_for: Callable[[User], Client],
    make_location: Callable[..., Location],
) -> None:
    location = make_location(hub)
    client = client_for(coordinator)
    day = local_today() + timedelta(days=5)
    bad = client.post(
        url("location_exception_add", hub, pk=location.pk),
        {"date": day.isoformat(), "is_closed": "0", "opens_at": "14:00", "closes_at": "10:00"},
    )
    assert bad.status_code == 200
    assert "closing time must be later" in bad.text
    past = client.post(
        url("location_exception_add", hub, pk=location.pk),
        {"date": (local_today() - timedelta(days=1)).isoformat(), "is_closed": "1"},
    )
    assert "Choose today or a date in the future" in past.text
    good = client.post(
        url("location_exception_add", hub, pk=location.pk),
        {"date": day.isoformat(), "is_closed": "1", "reason": "Brugdag"},
    )
    assert good.status_code == 302
    exception = location.exceptions.get()
    detail = client.get(url("location", hub, pk=location.pk))
    assert "Brugdag" in detail.text
    remove_url = url("location_exception_remove", hub, pk=location.pk, exception_pk=exception.pk)
    assert client.get(remove_url).status_code == 200
    assert client.post(remove_url).status_code == 302
    assert not location.exceptions.exists()
    assert client.post(remove_url).status_code == 404


def test_deactivate_needs_confirmation(
    hub: Hub,
    coordinator: User,
    client_for: Callable[[User], Client],
    make_location: Callable[..., Location],
) -> None:
    location = make_location(hub)
    client = client_for(coordinator)
    confirm = client.get(url("location_deactivate", hub, pk=location.pk))
    assert confirm.status_code == 200
    assert "Yes, close it" in confirm.text
    location.refresh_from_db()
    assert location.is_active
    response = client.post(url("location_deactivate", hub, pk=location.pk), follow=True)
    assert "is closed" in response.text
    location.refresh_from_db()
    assert not location.is_active
    client.post(url("location_reactivate", hub, pk=location.pk))
    location.refresh_from_db()
    assert location.is_active
    assert JournalEntry.objects.filter(action__startswith="location.").count() == 2
