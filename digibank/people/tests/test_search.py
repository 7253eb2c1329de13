"""Finding a person fast: by name in any order and spelling, by phone number (start or
end), by postcode or e-mail, only in the own hub, paginated with bounded queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from digibank.people import services
from digibank.people.models import Participant
from digibank.people.queries import participant_search

from .conftest import people_url


@pytest.fixture
def people(make_participant):
    return {
        "peeters": make_participant(
            given_name="Jan", family_name="Peeters", phone="0470 12 34 56", postcode="9000"
        ),
        "desmet": make_participant(
            given_name="Els", family_name="De Smet", phone="+32 9 123 45 67", postcode="9030"
        ),
        "celik": make_participant(
            given_name="Ayşe", family_name="Çelik", email="Ayse.Celik@Example.be", postcode="2000"
        ),
        "broeck": make_participant(given_name="Jean-Pierre", family_name="Van den Broeck"),
    }


def found(hub, query, **kwargs):
    return {p.family_name for p in participant_search(hub=hub, query=query, **kwargs)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("peeters", {"Peeters"}),
        ("PEE", {"Peeters"}),
        ("de smet", {"De Smet"}),
        ("desmet", {"De Smet"}),
        ("De Sm", {"De Smet"}),
        ("smet", {"De Smet"}),
        ("jan pee", {"Peeters"}),
        ("peeters jan", {"Peeters"}),
        ("jan", {"Peeters"}),
        ("celik", {"Çelik"}),
        ("Çelik", {"Çelik"}),
        ("ayse", {"Çelik"}),
        ("ayse celik", {"Çelik"}),
        ("van den broeck", {"Van den Broeck"}),
        ("broeck", {"Van den Broeck"}),
        ("jean-pierre van den", {"Van den Broeck"}),
        ("jean pierre broeck", {"Van den Broeck"}),
        ("0470 12", {"Peeters"}),
        ("047012", {"Peeters"}),
        ("+32 470 12", {"Peeters"}),
        ("0032 470 12 34", {"Peeters"}),
        ("0470/12.34.56", {"Peeters"}),
        ("09 123", {"De Smet"}),
        ("3456", {"Peeters"}),
        ("34 56", {"Peeters"}),
        ("4567", {"De Smet"}),
        ("9000", {"Peeters"}),
        ("90", {"Peeters", "De Smet"}),
        ("2000", {"Çelik"}),
        ("jan 9000", {"Peeters"}),
        ("jan 2000", set()),
        ("ayse.celik@", {"Çelik"}),
        ("AYSE.CELIK@EXAMPLE.BE", {"Çelik"}),
        ("xyz", set()),
        ("%", set()),
        ("_", set()),
        ("-", set()),
    ],
)
def test_search_matches_what_people_type(hub, people, query, expected):
    assert found(hub, query) == expected


def test_empty_query_lists_the_most_recent_first(hub, people):
    results = list(participant_search(hub=hub, query=""))
    assert results[0] == people["broeck"]
    assert results[-1] == people["peeters"]


def test_search_stays_in_the_hub(hub, other_hub, people, make_participant, make_user):
    make_participant(hub=other_hub, given_name="Jan", family_name="Peeters", phone="0470123456")
    assert [p.hub_id for p in participant_search(hub=hub, query="peeters")] == [hub.pk]
    assert [p.hub_id for p in participant_search(hub=hub, query="0470")] == [hub.pk]


def test_merged_and_anonymised_records_are_not_found(hub, people, coordinator, make_participant):
    duplicate = make_participant(given_name="Jan", family_name="Peeters")
    services.participant_merge(actor=coordinator, source=duplicate, target=people["peeters"])
    services.participant_anonymise(actor=coordinator, participant=people["desmet"])
    assert list(participant_search(hub=hub, query="peeters")) == [people["peeters"]]
    assert found(hub, "desmet") == set()
    assert found(hub, "4567") == set()
    assert people["desmet"] not in participant_search(hub=hub, query="")


def test_filter_by_target_group(hub, make_participant):
    make_participant(given_name="An", family_name="Maes", target_groups=("senior", "low_income"))
    make_participant(given_name="Bo", family_name="Maes", target_groups=("youth",))
    assert {
        p.given_name for p in participant_search(hub=hub, query="maes", target_group="senior")
    } == {"An"}
    assert {p.given_name for p in participant_search(hub=hub, target_group="youth")} == {"Bo"}


def test_search_page_shows_results_with_contact_details(client_for, staff, hub, people):
    response = client_for(staff).get(people_url(hub), {"q": "jan pee"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Jan Peeters" in page
    assert "0470 12 34 56" in page
    assert "9000" in page
    assert people_url(hub, "detail", pk=people["peeters"].pk) in page
    assert "De Smet" not in page
    assert 'name="q"' in page
    assert 'role="search"' in page


def test_search_page_works_without_javascript_and_enhances_with_htmx(
    client_for, staff, hub, people
):
    client = client_for(staff)
    full = client.get(people_url(hub), {"q": "smet"})
    assert b"<html" in full.content
    assert b'hx-get="/h/gent/people/"' in full.content
    assert b'hx-trigger="input changed delay:300ms, search"' in full.content
    assert b'hx-push-url="true"' in full.content
    partial = client.get(people_url(hub), {"q": "smet"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert b"<html" not in partial.content
    assert b"De Smet" in partial.content
    assert "HX-Request" in partial["Vary"]
    # Going back in the browser asks for the whole page again.
    restore = client.get(
        people_url(hub),
        {"q": "smet"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert b"<html" in restore.content


def test_bad_input_never_breaks_the_page(client_for, staff, hub, people):
    client = client_for(staff)
    for params in (
        {"q": "x" * 5000},
        {"q": "\x00"},
        {"group": "nonsense"},
        {"page": "999"},
        {"page": "-1"},
        {"q": "' OR 1=1 --"},
    ):
        assert client.get(people_url(hub), params).status_code == 200


def test_an_unknown_group_does_not_lose_the_query(client_for, staff, hub, people):
    response = client_for(staff).get(people_url(hub), {"q": "smet", "group": "pirates"})
    assert "De Smet" in response.content.decode()
    assert "Jan Peeters" not in response.content.decode()


def test_search_page_query_count_does_not_grow(
    client_for, staff, hub, make_participant, django_assert_max_num_queries
):
    client = client_for(staff)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(people_url(hub), {"q": "maes"}).status_code == 200
        return len(context)

    make_participant(given_name="Eerste", family_name="Maes", postcode="9000")
    few = count_queries()
    Participant.objects.bulk_create(
        Participant(
            hub=hub,
            given_name=f"P{i}",
            family_name="Maes",
            family_key="maes",
            given_key=f"p{i}",
            postcode="9000",
            phone=f"04701234{i:02d}",
        )
        for i in range(40)
    )
    assert count_queries() == few
    with django_assert_max_num_queries(8):
        client.get(people_url(hub), {"q": "maes"})
    with django_assert_max_num_queries(8):
        client.get(people_url(hub))


def test_a_search_matching_very_many_people_does_not_count_them_all(
    make_participant, hub, client_for, staff, monkeypatch
):
    monkeypatch.setattr("digibank.people.views.SEARCH_COUNT_LIMIT", 3)
    for number in range(5):
        make_participant(given_name=f"Jan{number}", family_name="Peeters")
    response = client_for(staff).get(people_url(hub), {"q": "peeters"})
    assert "More than 3 people found" in response.text
    few = client_for(staff).get(people_url(hub), {"q": "jan1"})
    assert "1 person found" in few.text
