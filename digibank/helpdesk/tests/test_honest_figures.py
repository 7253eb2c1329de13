"""Honest figures: nothing pre-selected unless the hub chose defaults; "not recorded" is
a category of its own; a mistaken tap or log can be withdrawn (author the same day, a
coordinator later) and then leaves every figure and reach count; anonymous helps are
shown next to the reach; yesterday's unfinished tallies stay on the tally page; an
anonymous help can be linked to the person who registers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from digibank.core.models import JournalEntry
from digibank.funding.reach import users_reached
from digibank.helpdesk import queries, services
from digibank.helpdesk.models import HelpdeskSettings, HelpQuestion

from .conftest import topic, url

pytestmark = pytest.mark.django_db


def test_the_form_preselects_nothing_without_hub_defaults(client_for, digihelper, hub, location):
    page = client_for(digihelper).get(url(hub, "log")).content.decode()
    assert 'value="solved" checked' not in page.replace("\n", " ")
    assert 'name="outcome" value="solved"' in page
    assert "checked" not in page.split('name="autonomy"')[1].split(">")[0]
    assert "counts as a user reached" in page  # why registering someone counts


def test_hub_defaults_are_preselected(client_for, coordinator, digihelper, hub, location):
    coordinator_client = client_for(coordinator)
    response = coordinator_client.post(
        url(hub, "settings"),
        {"default_duration": "20", "default_autonomy": "together", "default_outcome": "solved"},
    )
    assert response.status_code == 302
    assert HelpdeskSettings.objects.get(hub=hub).default_outcome == "solved"
    assert JournalEntry.objects.filter(action="helpdesk.settings").exists()
    form = client_for(digihelper).get(url(hub, "log")).context["form"]
    assert form["outcome"].value() == "solved"
    assert form["duration_minutes"].value() == 20
    # A digihelper cannot change the hub's defaults.
    assert client_for(digihelper).get(url(hub, "settings")).status_code == 403


def test_settings_refuse_a_duration_out_of_range(client_for, coordinator, hub):
    response = client_for(coordinator).post(url(hub, "settings"), {"default_duration": "900"})
    assert response.status_code == 200
    assert "between 1 and 600" in response.content.decode()
    assert not HelpdeskSettings.objects.exists()


def test_report_figures_show_not_recorded_and_anonymous_helps(make_help, participant, hub):
    make_help(outcome="solved", participant=participant)
    make_help()  # anonymous, outcome not recorded
    make_help()
    start = timezone.now() - timedelta(days=1)
    end = timezone.now() + timedelta(days=1)
    figures = {figure.key: figure for figure in queries.report_figures(hub.pk, start, end)}
    assert figures["helpdesk.questions"].value == 3
    assert dict(figures["helpdesk.outcomes"].breakdown)["Not recorded"] == 2
    assert dict(figures["helpdesk.outcomes"].breakdown)["Solved"] == 1
    assert figures["helpdesk.anonymous"].value == 2
    assert queries.anonymous_help_count(hub.pk, start, end)[1] == 2


def test_the_author_withdraws_a_mistaken_log_the_same_day(
    client_for, digihelper, hub, make_help, participant
):
    question = make_help(participant=participant)
    today = timezone.localdate()
    assert users_reached(hub.pk, today, today) == 1
    client = client_for(digihelper)
    refused = client.post(url(hub, "withdraw", pk=question.pk), {"reason": ""})
    assert "Say in a few words" in refused.content.decode()
    response = client.post(url(hub, "withdraw", pk=question.pk), {"reason": "Logged twice"})
    assert response.status_code == 302
    stored = HelpQuestion.all_objects.get(pk=question.pk)
    assert stored.withdrawn_by == digihelper
    assert stored.withdraw_reason == "Logged twice"
    assert not HelpQuestion.objects.filter(pk=question.pk).exists()
    # It leaves every figure: reach, day totals, tally counts, report figures.
    assert users_reached(hub.pk, today, today) == 0
    assert queries.topic_totals(location=question.location, day=today) == []
    assert queries.helps_on(hub=hub, day=today) == 0
    assert queries.tally_counts(helper=digihelper, hub=hub, day=today) == {}
    start, end = queries.day_bounds(today)
    assert queries.report_figures(hub.pk, start, end)[0].value == 0
    entry = JournalEntry.objects.get(action="help.withdraw")
    assert entry.participant_id == participant.pk
    # Withdrawn once: the page now answers 404 (it is no longer a help).
    assert client.get(url(hub, "withdraw", pk=question.pk)).status_code == 404


def test_only_a_coordinator_withdraws_an_older_help(
    client_for, digihelper, coordinator, hub, make_help
):
    question = make_help()
    HelpQuestion.objects.filter(pk=question.pk).update(
        created_at=timezone.now() - timedelta(days=2),
        occurred_at=timezone.now() - timedelta(days=2),
    )
    question.refresh_from_db()
    with pytest.raises(ValidationError):
        services.help_withdraw(actor=digihelper, question=question, reason="Oops", can_manage=False)
    page = client_for(digihelper).get(url(hub, "withdraw", pk=question.pk))
    assert "Only its author on the same day" in page.content.decode()
    assert (
        client_for(digihelper)
        .post(url(hub, "withdraw", pk=question.pk), {"reason": "Oops"})
        .status_code
        == 403
    )
    response = client_for(coordinator).post(
        url(hub, "withdraw", pk=question.pk), {"reason": "Test entry"}
    )
    assert response.status_code == 302
    assert HelpQuestion.all_objects.get(pk=question.pk).withdrawn_by == coordinator


def test_yesterdays_unfinished_tallies_stay_on_the_tally_page(
    client_for, digihelper, hub, location
):
    services.help_tally(actor=digihelper, hub=hub, location=location, topic=topic("itsme"))
    yesterday = timezone.now() - timedelta(days=1)
    HelpQuestion.objects.update(occurred_at=yesterday)
    response = client_for(digihelper).get(url(hub, "tally"))
    assert len(response.context["incomplete"]) == 1
    question = HelpQuestion.objects.get()
    services.help_leave_anonymous(actor=digihelper, question=question)
    assert client_for(digihelper).get(url(hub, "tally")).context["incomplete"] == []


def test_an_anonymous_help_is_linked_to_the_person_who_registers(
    client_for, digihelper, hub, make_help, participant
):
    question = make_help(age_band="65-79")
    today = timezone.localdate()
    assert users_reached(hub.pk, today, today) == 0
    client = client_for(digihelper)
    day = client.get(url(hub, "day")).content.decode()
    assert "Link to a person" in day
    form = client.get(url(hub, "edit", pk=question.pk) + "?person=registered").context["form"]
    assert form["person_kind"].value() == "registered"
    response = client.post(
        url(hub, "edit", pk=question.pk),
        {
            "location": question.location_id,
            "topics": [topic("itsme").pk],
            "person_kind": "registered",
            "participant": participant.pk,
            "channel": "walk_in",
            "preferred_language": "nl",
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.participant == participant
    assert question.age_band == ""
    assert users_reached(hub.pk, today, today) == 1
    assert JournalEntry.objects.filter(
        action="help.link_person", participant_id=participant.pk
    ).exists()


def test_the_day_view_shows_not_recorded(client_for, digihelper, hub, make_help):
    make_help()
    page = client_for(digihelper).get(url(hub, "day")).content.decode()
    assert "not recorded" in page


def test_new_pages_keep_their_query_counts(
    client_for, coordinator, hub, make_help, django_assert_max_num_queries
):
    questions = [make_help() for _ in range(3)]
    client = client_for(coordinator)
    client.get(url(hub, "settings"))
    with django_assert_max_num_queries(12):
        assert client.get(url(hub, "settings")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(url(hub, "withdraw", pk=questions[0].pk)).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(url(hub, "edit", pk=questions[1].pk)).status_code == 200


def test_a_get_on_follow_up_done_shows_the_form_and_withdraw_refuses_other_hubs(
    client_for, coordinator, other_hub, hub, make_help, staff
):
    question = make_help(follow_up_needed=True)
    client = client_for(coordinator)
    assert client.get(url(hub, "follow_up_done", pk=question.pk)).status_code == 200
    assert client.get(url(other_hub, "withdraw", pk=question.pk)).status_code in (403, 404)
