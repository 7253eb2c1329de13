"""The topic list: loaded in three languages, editable by platform admins (journaled);
the participant page's query count does not grow with the person's help history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from digibank.core.models import JournalEntry
from digibank.helpdesk.models import HelpTopic

pytestmark = pytest.mark.django_db


def test_topics_loaded_in_three_languages() -> None:
    assert HelpTopic.objects.count() == 19
    taxes = HelpTopic.objects.get(code="taxes")
    with translation.override("fr"):
        assert taxes.name.startswith("Impôts")
    with translation.override("nl"):
        assert taxes.name.startswith("Belastingen")
    with translation.override("en"):
        assert taxes.name.startswith("Taxes")


def test_admin_edits_topics(make_user, client_for) -> None:
    admin = make_user(is_staff=True, is_superuser=True)
    client = client_for(admin)
    topic = HelpTopic.objects.get(code="other")
    assert client.get(reverse("admin:helpdesk_helptopic_changelist")).status_code == 200
    change = reverse("admin:helpdesk_helptopic_change", args=[topic.pk])
    response = client.post(
        change,
        {
            "code": "other",
            "name_nl": "Iets anders",
            "name_fr": "Autre chose",
            "name_en": "Something else",
            "position": 999,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.name_nl == "Iets anders"
    assert JournalEntry.objects.filter(action="admin.change", subject_id=str(topic.pk)).exists()


def _detail_queries(client, hub, participant) -> int:
    url = reverse("people:detail", kwargs={"hub": hub.slug, "pk": participant.pk})
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_participant_page_queries_do_not_grow(client_for, staff, hub, participant, make_help):
    client = client_for(staff)
    make_help(participant=participant)
    few = _detail_queries(client, hub, participant)
    for _ in range(35):
        make_help(participant=participant, topics=("itsme", "ebox"))
    assert _detail_queries(client, hub, participant) == few
