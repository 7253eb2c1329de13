"""The platform admin's fields in table rows (list-edit, inlines) have names a screen
reader reads."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from digibank.accounts.models import Membership
from digibank.accounts.roles import HubRole

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(full_name="Platform Admin", is_staff=True, is_superuser=True))
    return client


def test_inline_and_list_edit_fields_are_named_by_column_and_row(admin_client, make_user, hub):
    member = make_user(HubRole.COORDINATOR, hub, full_name="Ann Coordinator")
    assert Membership.objects.filter(user=member).exists()

    page = admin_client.get(
        reverse("admin:accounts_user_change", args=[member.pk])
    ).content.decode()
    delete = re.search(r'<input[^>]*name="memberships-0-DELETE"[^>]*>', page)
    assert delete is not None
    assert 'aria-label="' in delete.group(0)

    topics = admin_client.get(reverse("admin:helpdesk_helptopic_changelist")).content.decode()
    position = re.search(r'<input[^>]*name="form-0-position"[^>]*>', topics)
    assert position is not None
    assert re.search(r'aria-label="[^"]+ \([^"]+\)"', position.group(0))
