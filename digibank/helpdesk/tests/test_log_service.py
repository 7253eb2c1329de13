"""Logging help: the rules of help_log, the refused note, a new participant in the same
flow, merge and the timeline."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from digibank.core.models import JournalEntry
from digibank.helpdesk import queries, services
from digibank.helpdesk.models import HelpQuestion, Outcome
from digibank.people import services as people_services
from digibank.people.models import Participant
from digibank.people.timeline import timeline_for

from .conftest import make_location, topic

pytestmark = pytest.mark.django_db


def test_anonymous_help_records_nothing_it_was_not_told(make_help, digihelper, hub):
    question = make_help(age_band="65-79", postcode="9000")
    assert question.hub == hub
    assert question.helper == digihelper
    assert question.channel == "walk_in"
    # Nothing pre-selected: not recorded, never a silent "solved".
    assert question.duration_minutes is None
    assert question.autonomy == ""
    assert question.outcome == ""
    assert question.is_complete
    assert [t.code for t in question.topics.all()] == ["itsme"]
    entry = JournalEntry.objects.get(action="help.log")
    assert entry.details == {"topics": ["itsme"], "anonymous": True, "new_person": False}


def test_refused_note_saves_nothing(make_help):
    with pytest.raises(ValidationError) as error:
        make_help(note="pin 1234")
    assert "note" in error.value.message_dict
    assert not HelpQuestion.objects.exists()


def test_topics_required(make_help):
    with pytest.raises(ValidationError) as error:
        make_help(topics=())
    assert "topics" in error.value.message_dict


def test_referral_needs_an_organisation(make_help):
    with pytest.raises(ValidationError) as error:
        make_help(outcome=Outcome.REFERRED)
    assert "referred_to" in error.value.message_dict
    question = make_help(outcome=Outcome.REFERRED, referred_to="  CM   ziekenfonds ")
    assert question.referred_to == "CM ziekenfonds"


def test_other_hubs_help_point_refused(make_help, other_location):
    with pytest.raises(ValidationError) as error:
        make_help(location=other_location)
    assert "location" in error.value.message_dict


def test_other_hubs_participant_refused(make_help, other_hub, staff):
    stranger = people_services.participant_create(
        actor=staff, hub=other_hub, data={"given_name": "Gudrun"}
    )
    with pytest.raises(ValidationError):
        make_help(participant=stranger)


def test_help_for_participant_marks_seen_and_shows_on_timeline(make_help, participant):
    before = participant.last_seen_at
    make_help(participant=participant, topics=("itsme", "taxes"))
    make_help(participant=participant, topics=("ebox",))
    participant.refresh_from_db()
    assert participant.last_seen_at >= before
    titles = [str(item.title) for item in timeline_for(participant)]
    assert any("eBox" in title for title in titles)
    assert any("itsme" in title and "Taxes" in title for title in titles)


def test_timeline_provider_query_count(make_help, participant, django_assert_max_num_queries):
    for _ in range(30):
        make_help(participant=participant)
    with django_assert_max_num_queries(4):
        items = queries.help_timeline(participant, 20)
    assert len(items) == 20


def test_new_participant_in_the_same_flow(hub, location, digihelper):
    values = services.HelpValues(location=location, topics=[topic("itsme")], age_band="80+")
    question = services.help_log(
        actor=digihelper,
        hub=hub,
        values=values,
        new_person={"given_name": "Jeanine", "family_name": "Claes", "phone": "0486 11 22 33"},
        consent_given=True,
    )
    person = Participant.objects.get(given_name="Jeanine")
    assert question.participant == person
    assert question.age_band == ""
    assert person.consents.count() == 1


def test_new_participant_not_saved_when_help_refused(hub, location, digihelper):
    values = services.HelpValues(location=location, topics=[topic("itsme")], note="pin 1234")
    with pytest.raises(ValidationError):
        services.help_log(
            actor=digihelper, hub=hub, values=values, new_person={"given_name": "Jeanine"}
        )
    assert not Participant.objects.filter(given_name="Jeanine").exists()


def test_merge_moves_helps(make_help, participant, hub, coordinator):
    other = people_services.participant_create(
        actor=coordinator, hub=hub, data={"given_name": "Fatima", "family_name": "Elidrissi"}
    )
    make_help(participant=other)
    people_services.participant_merge(
        actor=coordinator, target=participant, source=other, fields_from_source=[]
    )
    assert HelpQuestion.objects.filter(participant=participant).count() == 1


def test_figures_one_query(make_help, hub, other_hub, django_assert_num_queries):
    from digibank.helpdesk.panels import HELPS_TOTAL, hub_figures

    make_help()
    make_help()
    make_location(other_hub)
    with django_assert_num_queries(1):
        figures = hub_figures([hub.pk, other_hub.pk])
    assert figures[hub.pk][HELPS_TOTAL] == 2
    assert figures[other_hub.pk][HELPS_TOTAL] == 0
