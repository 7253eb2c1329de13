"""The pages: taking a self-assessment (errors in a summary and inline, nothing half
saved), a person's progress, one assessment, the hub overview; permissions per role and
another hub's records answering 404."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from digibank.accounts.roles import HubRole
from digibank.assessments import services
from digibank.assessments.models import Assessment
from digibank.core.models import JournalEntry
from digibank.learning.models import Course

from .conftest import all_ratings, form_data, url


def test_form_has_one_fieldset_per_area_and_a_radio_group_per_statement(
    client_for, digihelper, hub, participant, statements
):
    page = client_for(digihelper).get(url(hub, "take", participant=participant.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="assessments-area"') == 5
    assert "1. Information and data literacy" in html
    assert html.count('type="radio"') == 16 * 5 + 3 + 2  # ratings, moment, way
    assert statements[0].text_en in html
    assert "I can guide others" in html


def test_take_saves_and_shows_progress(client_for, staff, hub, participant, statements, course):
    client = client_for(staff)
    response = client.post(
        url(hub, "take", participant=participant.pk),
        form_data(statements, 2, course=str(course.pk)),
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(hub, "participant", participant=participant.pk) + (
        f"?course={course.pk}"
    )
    assert assessment.course == course
    assert assessment.moment == "before"
    assert assessment.answers.count() == 16
    page = client.get(response["Location"]).content.decode()
    assert "The self-assessment is saved" in page
    assert 'role="img"' in page
    assert "<table" in page
    assert "Average score per area" in page


def test_missing_answers_show_summary_and_inline_errors(
    client_for, staff, hub, participant, statements
):
    data = form_data(statements, 3)
    del data[f"statement_{statements[4].pk}"]
    del data["moment"]
    response = client_for(staff).post(url(hub, "take", participant=participant.pk), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'href="#id_statement_{statements[4].pk}_0"' in html
    assert 'href="#id_moment_0"' in html
    assert html.count("Choose an answer for this sentence.") == 2  # summary + inline
    assert "field--error" in html
    # The answers given are kept.
    assert f'value="3" name="statement_{statements[0].pk}"' in html or "checked" in html
    assert not Assessment.objects.exists()


def test_bad_rating_and_future_date(client_for, staff, hub, participant, statements):
    data = form_data(statements, 3, way="paper")
    data[f"statement_{statements[0].pk}"] = "9"
    data["taken_on"] = (timezone.localdate() + timedelta(days=2)).isoformat()
    html = client_for(staff).post(url(hub, "take", participant=participant.pk), data).content
    assert b"Choose one of the five answers." in html
    assert b"This date is in the future." in html
    assert not Assessment.objects.exists()


def test_paper_form_prefills_the_way(client_for, staff, hub, participant, statements):
    html = (
        client_for(staff)
        .get(url(hub, "take", participant=participant.pk) + "?way=paper")
        .content.decode()
    )
    assert 'value="paper" id="id_way_1" checked' in html or (
        'id="id_way_1"' in html and 'value="paper"' in html and "checked" in html
    )
    response = client_for(staff).post(
        url(hub, "take", participant=participant.pk),
        form_data(statements, 3, way="paper", taken_on=date(2026, 1, 10).isoformat()),
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.way == "paper"
    assert timezone.localtime(assessment.taken_at).date() == date(2026, 1, 10)


def test_course_of_another_hub_is_not_a_choice(
    client_for, staff, hub, other_hub, participant, statements
):
    foreign = Course.objects.create(hub=other_hub, title="Hasselt only course")
    client = client_for(staff)
    assert (
        b"Hasselt only course"
        not in client.get(url(hub, "take", participant=participant.pk)).content
    )
    response = client.post(
        url(hub, "take", participant=participant.pk),
        form_data(statements, 3, course=str(foreign.pk)),
    )
    assert response.status_code == 200
    assert b"Choose a course from the list." in response.content
    assert not Assessment.objects.exists()


def test_detail_shows_the_sentences_as_rated(client_for, staff, hub, participant, statements):
    assessment = services.assessment_record(
        actor=staff,
        hub=hub,
        participant=participant,
        moment="other",
        ratings=all_ratings(statements, 5),
    )
    html = client_for(staff).get(url(hub, "detail", pk=assessment.pk)).content.decode()
    assert statements[0].text_en in html
    assert "5 – I can guide others" in html
    assert JournalEntry.objects.filter(
        action="assessments.view", subject_id=str(participant.pk)
    ).exists()


def test_overview_shows_aggregates(client_for, staff, hub, participant, statements, course):
    for moment, value in (("before", 2), ("after", 4)):
        services.assessment_record(
            actor=staff,
            hub=hub,
            participant=participant,
            moment=moment,
            course=course,
            ratings=all_ratings(statements, value),
        )
    html = client_for(staff).get(url(hub, "overview")).content.decode()
    assert "1 person filled in a self-assessment before and after." in html
    assert "Smartphone basics: 1 person with before and after" in html
    assert "+2.0" in html


def test_choose_finds_people(client_for, staff, hub, participant):
    html = client_for(staff).get(url(hub, "choose"), {"q": "fatima"}).content.decode()
    assert url(hub, "take", participant=participant.pk) in html


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (HubRole.COORDINATOR, 200),
        (HubRole.STAFF, 200),
        (HubRole.DIGIHELPER, 200),
        (HubRole.TRAINER, 200),
        (HubRole.PARTNER_VIEWER, 403),
    ],
)
def test_permissions_per_role(client_for, make_user, hub, participant, statements, role, status):
    assessment = services.assessment_record(
        actor=make_user(HubRole.STAFF, hub),
        hub=hub,
        participant=participant,
        moment="before",
        ratings=all_ratings(statements),
    )
    client = client_for(make_user(role, hub))
    for target in (
        url(hub, "overview"),
        url(hub, "choose"),
        url(hub, "take", participant=participant.pk),
        url(hub, "participant", participant=participant.pk),
        url(hub, "detail", pk=assessment.pk),
    ):
        assert client.get(target).status_code == status, target
    response = client.post(url(hub, "take", participant=participant.pk), form_data(statements))
    assert response.status_code == (302 if status == 200 else 403)


def test_officer_and_outsider_get_nothing(client_for, officer, make_user, hub, participant):
    for user in (officer, make_user()):
        assert client_for(user).get(url(hub, "overview")).status_code == 404


def test_other_hubs_records_answer_404(
    client_for, staff, hub, other_hub, statements, make_participant
):
    stranger = make_participant(hub=other_hub, given_name="Gudrun")
    assessment = services.assessment_record(
        actor=staff,
        hub=other_hub,
        participant=stranger,
        moment="before",
        ratings=all_ratings(statements),
    )
    client = client_for(staff)
    for target in (
        url(hub, "take", participant=stranger.pk),
        url(hub, "participant", participant=stranger.pk),
        url(hub, "detail", pk=assessment.pk),
        url(hub, "participant", participant=2**63),
        url(hub, "detail", pk=0),
    ):
        assert client.get(target).status_code == 404, target
    response = client.post(url(hub, "take", participant=stranger.pk), form_data(statements))
    assert response.status_code == 404
    assert Assessment.objects.count() == 1


def test_merged_record_redirects_to_survivor(client_for, coordinator, hub, make_participant):
    from digibank.people import services as people_services

    keep, duplicate = make_participant(given_name="A"), make_participant(given_name="B")
    people_services.participant_merge(actor=coordinator, source=duplicate, target=keep)
    client = client_for(coordinator)
    response = client.get(url(hub, "participant", participant=duplicate.pk))
    assert response["Location"] == url(hub, "participant", participant=keep.pk)
    response = client.get(url(hub, "take", participant=duplicate.pk))
    assert response["Location"] == url(hub, "take", participant=keep.pk)


def test_anonymised_record_cannot_be_assessed(client_for, coordinator, hub, participant):
    from digibank.people import services as people_services

    people_services.participant_anonymise(actor=coordinator, participant=participant)
    response = client_for(coordinator).get(url(hub, "take", participant=participant.pk))
    assert response.status_code == 302


def test_participant_page_shows_the_skills_section_once_there_are_figures(
    client_for, staff, hub, make_user
):
    from digibank.accounts.roles import HubRole
    from digibank.people.services import participant_create

    person = participant_create(
        actor=staff, hub=hub, data={"given_name": "Mia", "family_name": "Claes"}
    )
    url = f"/h/{hub.slug}/people/{person.pk}/"
    assert "Digital skills" not in client_for(staff).get(url).text
    from digibank.assessments.models import Moment, Statement
    from digibank.assessments.services import assessment_record

    ratings = {statement.pk: 3 for statement in Statement.objects.filter(active=True)}
    assessment_record(
        actor=staff, hub=hub, participant=person, moment=Moment.BEFORE, ratings=ratings
    )
    page = client_for(staff).get(url).text
    assert "Digital skills" in page
    assert "<svg" in page
    partner = make_user(HubRole.PARTNER_VIEWER, hub)
    assert client_for(partner).get(url).status_code == 403
