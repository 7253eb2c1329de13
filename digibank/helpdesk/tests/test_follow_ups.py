"""Follow-ups: a due date and an assignee (the author by default), lists per hub and per
help point (open, due today, overdue, done), done with a short outcome, on the person's
timeline and on the dashboard panel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from digibank.core.models import JournalEntry
from digibank.helpdesk import queries
from digibank.helpdesk.models import HelpQuestion
from digibank.people.timeline import timeline_for

from .conftest import make_location, url

pytestmark = pytest.mark.django_db


def test_a_follow_up_defaults_to_the_author_and_a_week(make_help, digihelper):
    question = make_help(follow_up_needed=True)
    assert question.follow_up_assignee == digihelper
    assert question.follow_up_due == timezone.localdate() + timedelta(days=7)
    assert make_help().follow_up_due is None


def test_lists_open_due_today_overdue_and_per_help_point(
    client_for, digihelper, hub, location, make_help, participant, django_assert_max_num_queries
):
    today = timezone.localdate()
    due_today = make_help(follow_up_needed=True, follow_up_due=today, participant=participant)
    overdue = make_help(follow_up_needed=True, follow_up_due=today - timedelta(days=3))
    later = make_help(follow_up_needed=True, follow_up_due=today + timedelta(days=3))
    elsewhere = make_help(
        follow_up_needed=True,
        follow_up_due=today,
        location=make_location(hub, "Digipunt Zuid"),
    )
    make_help()  # no follow-up
    counts = queries.follow_up_counts(hub=hub)
    assert counts == {"open": 4, "today": 2, "overdue": 1}

    def listed(**params: str) -> list[int]:
        response = client_for(digihelper).get(url(hub, "follow_ups"), params)
        assert response.status_code == 200
        return [question.pk for question in response.context["page"]]

    assert listed() == [overdue.pk, due_today.pk, elsewhere.pk, later.pk]
    assert sorted(listed(which="today")) == sorted([due_today.pk, elsewhere.pk])
    assert listed(which="overdue") == [overdue.pk]
    assert listed(location=str(location.pk), which="today") == [due_today.pk]
    client = client_for(digihelper)
    for _ in range(5):
        make_help(follow_up_needed=True, participant=participant)
    client.get(url(hub, "follow_ups"))
    with django_assert_max_num_queries(14):
        client.get(url(hub, "follow_ups"))


def test_done_with_a_short_outcome_on_the_timeline(
    client_for, digihelper, hub, make_help, participant, staff
):
    question = make_help(follow_up_needed=True, participant=participant)
    client = client_for(digihelper)
    refused = client.post(url(hub, "follow_up_done", pk=question.pk), {"outcome": ""})
    assert refused.status_code == 400
    assert "what came of it" in refused.content.decode()
    response = client.post(
        url(hub, "follow_up_done", pk=question.pk), {"outcome": "Called back, itsme works"}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.follow_up_done_at is not None
    assert question.follow_up_outcome == "Called back, itsme works"
    assert JournalEntry.objects.filter(action="help.follow_up_done").exists()
    assert queries.follow_up_counts(hub=hub)["open"] == 0
    done = client.get(url(hub, "follow_ups"), {"which": "done"}).content.decode()
    assert "Called back, itsme works" in done
    titles = [item.title for item in timeline_for(participant)]
    assert any("Called back, itsme works" in str(title) for title in titles)


def test_the_dashboard_panel_counts_follow_ups(client_for, digihelper, hub, make_help):
    make_help(follow_up_needed=True, follow_up_due=timezone.localdate() - timedelta(days=1))
    page = client_for(digihelper).get(f"/h/{hub.slug}/").content.decode()
    assert "1 open, 0 due today, 1 overdue" in page


def test_a_withdrawn_help_leaves_the_follow_ups(make_help, digihelper, hub):
    from digibank.helpdesk import services

    question = make_help(follow_up_needed=True)
    services.help_withdraw(actor=digihelper, question=question, reason="Wrong", can_manage=False)
    assert queries.follow_up_counts(hub=hub)["open"] == 0
    assert HelpQuestion.all_objects.filter(pk=question.pk).exists()
