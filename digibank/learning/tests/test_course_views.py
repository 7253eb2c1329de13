"""Course pages: catalogue, creating with competences, editing, templates of other hubs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from digibank.accounts.models import User
from digibank.accounts.roles import HubRole
from digibank.learning import services
from digibank.learning.models import Course
from digibank.network.models import Hub

from .conftest import learning_url

pytestmark = pytest.mark.django_db


def course_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Smartphone basics",
        "description": "Calls, photos and apps.",
        "audiences": ["seniors", "newcomers"],
        "format": "in_person",
        "languages": ["nl", "ar"],
        "meeting_count": "3",
        "hours": "6",
        "materials": "https://example.org/handout.pdf",
        "min_attendance_percent": "75",
        "level_2_1": "2",
        "level_4_1": "1",
    }
    data.update(overrides)
    return data


def test_create_a_course_with_competences(
    client_for: Callable[[User], Client], staff: User, hub: Hub
) -> None:
    response = client_for(staff).post(learning_url(hub, "course_create"), course_form())
    course = Course.objects.get()
    assert response.status_code == 302
    assert response["Location"] == learning_url(hub, "course", pk=course.pk)
    assert course.hub == hub
    assert course.audiences == ["seniors", "newcomers"]
    assert [(r.competence.code, r.target_level) for r in course.course_competences.all()] == [
        ("2.1", 2),
        ("4.1", 1),
    ]
    page = client_for(staff).get(response["Location"]).content.decode()
    assert "2.1 Interacting through digital technologies" in page
    assert "https://example.org/handout.pdf" in page


def test_errors_are_shown_and_nothing_saved(
    client_for: Callable[[User], Client], staff: User, hub: Hub
) -> None:
    response = client_for(staff).post(
        learning_url(hub, "course_create"),
        course_form(title="", materials="not a link", min_attendance_percent="150"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "is not a web link" in body
    assert not Course.objects.exists()


def test_edit_keeps_competences(
    client_for: Callable[[User], Client], staff: User, hub: Hub, course: Course
) -> None:
    client = client_for(staff)
    form = client.get(learning_url(hub, "course_edit", pk=course.pk)).content.decode()
    assert 'value="2" selected' in form  # 4.2 at level 2
    client.post(
        learning_url(hub, "course_edit", pk=course.pk),
        course_form(title="Safe banking"),
    )
    course.refresh_from_db()
    assert course.title == "Safe banking"
    assert [r.competence.code for r in course.course_competences.all()] == ["2.1", "4.1"]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (HubRole.COORDINATOR, 200),
        (HubRole.STAFF, 200),
        (HubRole.TRAINER, 403),
        (HubRole.DIGIHELPER, 403),
        (HubRole.PARTNER_VIEWER, 403),
    ],
)
def test_who_may_create_courses(
    client_for: Callable[[User], Client],
    make_user: Callable[..., User],
    hub: Hub,
    role: str,
    status: int,
) -> None:
    response = client_for(make_user(role, hub)).get(learning_url(hub, "course_create"))
    assert response.status_code == status


def test_another_hubs_course_is_not_found(
    client_for: Callable[[User], Client],
    make_user: Callable[..., User],
    other_hub: Hub,
    course: Course,
) -> None:
    other = make_user(HubRole.STAFF, other_hub)
    client = client_for(other)
    for name in ("course", "course_edit", "template"):
        assert client.get(learning_url(other_hub, name, pk=course.pk)).status_code == 404


def test_shared_template_can_be_read_and_copied_by_another_hub_never_its_sessions(
    client_for: Callable[[User], Client],
    make_user: Callable[..., User],
    staff: User,
    hub: Hub,
    other_hub: Hub,
    course: Course,
    make_session,
    make_participant,
) -> None:
    session = make_session()
    person = make_participant(given_name="Zebedeus")
    services.enrolment_create(actor=staff, session=session, participant=person)
    Course.objects.filter(pk=course.pk).update(is_shared_template=True)
    client = client_for(make_user(HubRole.STAFF, other_hub))
    listing = client.get(learning_url(other_hub, "templates")).content.decode()
    assert "Safe online banking" in listing
    assert "Digibank Gent" in listing
    page = client.get(learning_url(other_hub, "template", pk=course.pk))
    assert page.status_code == 200
    assert "Use your bank" in page.content.decode()
    assert "Zebedeus" not in page.content.decode()
    # Never the template's own pages, sessions or people.
    assert client.get(learning_url(other_hub, "course", pk=course.pk)).status_code == 404
    assert client.get(learning_url(other_hub, "session", pk=session.pk)).status_code == 404
    assert client.get(learning_url(hub, "session", pk=session.pk)).status_code == 404
    response = client.post(learning_url(other_hub, "template_copy", pk=course.pk))
    copy = Course.objects.get(hub=other_hub)
    assert response["Location"] == learning_url(other_hub, "course", pk=copy.pk)
    assert copy.copied_from_id == course.pk
    # Its own hub does not see it among "other hubs' templates".
    own = client_for(staff).get(learning_url(hub, "templates")).content.decode()
    assert "Safe online banking" not in own
    own_page = client_for(staff).get(learning_url(hub, "template", pk=course.pk))
    assert own_page["Location"] == learning_url(hub, "course", pk=course.pk)
    # The owner's course is unchanged by the copy.
    course.refresh_from_db()
    assert course.hub == hub


def test_course_list_query_count(
    client_for: Callable[[User], Client],
    staff: User,
    hub: Hub,
    other_hub: Hub,
    django_assert_max_num_queries,
) -> None:
    for number in range(35):
        services.course_create(actor=staff, hub=hub, data={"title": f"Course {number:02d}"})
        Course.objects.create(hub=other_hub, title=f"Shared {number}", is_shared_template=True)
    client = client_for(staff)
    with django_assert_max_num_queries(12):
        assert client.get(learning_url(hub, "courses")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(learning_url(hub, "templates")).status_code == 200
