"""The read marker (accounts.reads) on the people pages: one line per page that shows a
person, none for answers that show nobody, never stored by the browser."""

from __future__ import annotations

from digibank.core.models import JournalEntry

from .conftest import people_url, valid_form

READS = ("participant.view", "participant.search")


def _reads() -> list[JournalEntry]:
    return list(JournalEntry.objects.filter(action__in=READS).order_by("pk"))


def test_the_edit_form_is_a_read_and_saving_it_is_a_change(
    client_for, staff, hub, make_participant
):
    jan = make_participant(given_name="Jan", family_name="Peeters")
    client = client_for(staff)
    form = client.get(people_url(hub, "edit", pk=jan.pk))
    assert "no-store" in form["Cache-Control"]
    assert 'hx-history="false"' in form.content.decode()
    [read] = _reads()
    assert (read.participant_id, read.details) == (jan.pk, {"page": "people:edit"})
    saved = client.post(people_url(hub, "edit", pk=jan.pk), valid_form(family_name="Pieters"))
    assert saved.status_code == 302
    assert len(_reads()) == 1  # the redirect shows nobody
    assert JournalEntry.objects.filter(action="participant.update", participant_id=jan.pk).exists()


def test_a_form_shown_again_with_errors_is_a_read(client_for, staff, hub, make_participant):
    jan = make_participant(given_name="Jan")
    response = client_for(staff).post(people_url(hub, "edit", pk=jan.pk), {"given_name": ""})
    assert response.status_code == 200
    assert [line.participant_id for line in _reads()] == [jan.pk]


def test_unknown_and_forbidden_records_write_no_read(client_for, staff, make_user, hub):
    from digibank.accounts.roles import HubRole

    assert client_for(staff).get(people_url(hub, "detail", pk=999999)).status_code == 404
    viewer = make_user(HubRole.PARTNER_VIEWER, hub)
    assert client_for(viewer).get(people_url(hub, "list")).status_code == 403
    assert _reads() == []


def test_the_merge_page_names_both_records(client_for, coordinator, hub, make_participant):
    jan = make_participant(given_name="Jan", family_name="Peeters")
    twin = make_participant(given_name="Jan", family_name="Peters")
    page = client_for(coordinator).get(people_url(hub, "merge", pk=jan.pk), {"other": twin.pk})
    assert page.status_code == 200
    [read] = _reads()
    assert read.participant_id == jan.pk
    assert read.details == {"page": "people:merge", "people": [jan.pk, twin.pk]}


def test_pages_without_personal_data_stay_cacheable_and_unjournaled(client_for, staff, hub):
    response = client_for(staff).get(people_url(hub, "visitors"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert 'hx-history="false"' not in response.content.decode()
    assert _reads() == []


def test_the_today_page_is_a_read_only_when_it_names_someone(
    client_for, coordinator, staff, hub, make_participant
):
    """The coordinator's recent journal names people (a line); staff see no journal and
    nobody's name there, so their visit writes nothing."""
    from django.urls import reverse

    dashboard = reverse("network:dashboard", kwargs={"hub": hub.slug})
    assert client_for(staff).get(dashboard).status_code == 200
    assert _reads() == []
    jan = make_participant(given_name="Jan", family_name="Peeters")
    assert client_for(coordinator).get(dashboard).status_code == 200
    [read] = _reads()
    assert (read.participant_id, read.details) == (jan.pk, {"page": "network:dashboard"})
