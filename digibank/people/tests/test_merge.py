"""Merging two records of the same person: find the duplicate, compare side by side,
choose per field, confirm; the other record points to the survivor from then on."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from digibank.accounts.roles import HubRole
from digibank.core.journal import journal_for_subject
from digibank.people import registry, services
from digibank.people.models import Consent, ConsentPurpose, Participant

from .conftest import people_url


@pytest.fixture
def pair(make_participant, staff):
    keep = make_participant(
        given_name="Jan",
        family_name="Peeters",
        phone="0470 12 34 56",
        birth_year=1956,
        postcode="9000",
        target_groups=("senior",),
        consent_given=True,
    )
    other = make_participant(
        given_name="Jan",
        family_name="Peters",
        phone="0499 11 22 33",
        email="jan@example.be",
        postcode="2000",
        target_groups=("senior", "jobseeker"),
        consent_given=True,
    )
    services.consent_record(actor=staff, participant=other, purpose=ConsentPurpose.PHOTOS)
    return keep, other


def test_find_the_duplicate(client_for, coordinator, hub, pair):
    keep, other = pair
    client = client_for(coordinator)
    page = client.get(people_url(hub, "merge", pk=keep.pk)).content.decode()
    assert 'name="q"' in page
    page = client.get(people_url(hub, "merge", pk=keep.pk), {"q": "jan"}).content.decode()
    assert f"?other={other.pk}" in page
    assert f"?other={keep.pk}" not in page


def test_compare_side_by_side(client_for, coordinator, hub, pair):
    keep, other = pair
    page = (
        client_for(coordinator)
        .get(people_url(hub, "merge", pk=keep.pk), {"other": other.pk})
        .content.decode()
    )
    for text in ("Peeters", "Peters", "0470 12 34 56", "0499 11 22 33", "9000 Gent", "2000"):
        assert text in page
    assert 'name="keep_family_name"' in page
    assert 'name="keep_given_name"' not in page  # the same in both
    assert 'name="confirm"' in page
    assert "Merge the records</button>" in page


def test_merge(client_for, coordinator, hub, pair):
    keep, other = pair
    response = client_for(coordinator).post(
        people_url(hub, "merge", pk=keep.pk),
        {
            "other": other.pk,
            "keep_family_name": "target",
            "keep_phone": "source",
            "keep_email": "source",
            "keep_postcode": "target",
            "keep_birth_year": "target",
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == people_url(hub, "detail", pk=keep.pk)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"The records are merged. Record #{other.pk} now leads to this one."
    ]
    keep.refresh_from_db()
    other.refresh_from_db()
    assert (keep.family_name, keep.phone, keep.email, keep.postcode) == (
        "Peeters",
        "0499 11 22 33",
        "jan@example.be",
        "9000",
    )
    assert keep.phone_digits == "0499112233"
    assert other.merged_into == keep
    assert (other.given_name, other.phone, other.given_key) == ("", "", "")
    assert sorted(tg.group for tg in keep.target_groups.all()) == ["jobseeker", "senior"]
    assert not other.target_groups.exists()
    # Consents moved; one active per purpose (the newest), the older one withdrawn.
    assert not Consent.objects.filter(participant=other).exists()
    active = keep.consents.filter(withdrawn_at__isnull=True)
    assert sorted(c.purpose for c in active) == ["photos", "registration"]
    assert keep.consents.count() == 3
    merge_entry = journal_for_subject(keep).get(action="participant.merge")
    assert merge_entry.details["merged_id"] == other.pk
    assert set(merge_entry.details["fields_from_merged"]) == {"phone", "email"}
    assert journal_for_subject(other).get(action="participant.merged_into").details == {
        "target_id": keep.pk
    }


def test_without_confirmation_nothing_happens(client_for, coordinator, hub, pair):
    keep, other = pair
    response = client_for(coordinator).post(
        people_url(hub, "merge", pk=keep.pk), {"other": other.pk}
    )
    assert response.status_code == 200
    assert "Tick the box if these records are the same person." in response.content.decode()
    other.refresh_from_db()
    assert other.merged_into is None


def test_merge_handlers_run_inside_the_merge(coordinator, pair, monkeypatch):
    keep, other = pair
    calls = []
    monkeypatch.setattr(registry, "_merge_handlers", [])
    registry.register_merge_handler(
        lambda source, target, actor: calls.append((source.pk, target.pk, actor))
    )
    services.participant_merge(actor=coordinator, source=other, target=keep)
    assert calls == [(other.pk, keep.pk, coordinator)]


def test_a_failing_handler_undoes_the_merge(coordinator, pair, monkeypatch):
    keep, other = pair

    def broken(source, target, actor):
        raise RuntimeError("lending could not move its loans")

    monkeypatch.setattr(registry, "_merge_handlers", [broken])
    with pytest.raises(RuntimeError):
        services.participant_merge(
            actor=coordinator, source=other, target=keep, fields_from_source=["phone"]
        )
    other.refresh_from_db()
    keep.refresh_from_db()
    assert other.merged_into is None
    assert other.given_name == "Jan"
    assert keep.phone == "0470 12 34 56"
    assert Consent.objects.filter(participant=other).count() == 2


def test_earlier_merges_point_to_the_new_survivor(coordinator, make_participant):
    a, b, c = (make_participant(given_name=name) for name in ("A", "B", "C"))
    services.participant_merge(actor=coordinator, source=a, target=b)
    services.participant_merge(actor=coordinator, source=b, target=c)
    a.refresh_from_db()
    assert a.merged_into == c
    assert services.resolve_merged(a) == c


def test_the_service_refuses_impossible_merges(coordinator, make_participant, other_hub, make_user):
    a = make_participant(given_name="A")
    elsewhere = make_participant(
        hub=other_hub, given_name="B", actor=make_user(HubRole.STAFF, other_hub)
    )
    with pytest.raises(ValidationError):
        services.participant_merge(actor=coordinator, source=a, target=a)
    with pytest.raises(ValidationError):
        services.participant_merge(actor=coordinator, source=elsewhere, target=a)
    gone = make_participant(given_name="C")
    services.participant_anonymise(actor=coordinator, participant=gone)
    with pytest.raises(ValidationError):
        services.participant_merge(actor=coordinator, source=gone, target=a)


def test_bad_other_ids_answer_404(
    client_for, coordinator, hub, other_hub, make_participant, make_user
):
    a = make_participant(given_name="A")
    elsewhere = make_participant(
        hub=other_hub, given_name="B", actor=make_user(HubRole.STAFF, other_hub)
    )
    client = client_for(coordinator)
    for other in (a.pk, elsewhere.pk, "abc", "99999999999999999999999", "-1"):
        assert client.get(people_url(hub, "merge", pk=a.pk), {"other": other}).status_code == 404
    assert not Participant.objects.filter(merged_into__isnull=False).exists()


@pytest.mark.parametrize("role", [HubRole.STAFF, HubRole.DIGIHELPER])
def test_only_coordinators_merge(client_for, make_user, hub, pair, role):
    keep, other = pair
    client = client_for(make_user(role, hub))
    assert client.get(people_url(hub, "merge", pk=keep.pk)).status_code == 403
    assert (
        client.post(
            people_url(hub, "merge", pk=keep.pk), {"other": other.pk, "confirm": "on"}
        ).status_code
        == 403
    )
