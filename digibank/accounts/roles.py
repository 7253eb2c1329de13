"""Roles and what each may do. One table, read by the scoping helper and the templates,
so a reader sees every permission in one place."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HubRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    STAFF = "staff", _("Staff member")
    DIGIHELPER = "digihelper", _("Digihelper (volunteer)")
    TRAINER = "trainer", _("Trainer")
    PARTNER_VIEWER = "partner_viewer", _("Partner (read only)")


class ProgrammeRoleKind(models.TextChoices):
    OFFICER = "officer", _("Programme officer")
    REVIEWER = "reviewer", _("Reviewer")


# Hub permissions. "people.*" give access to personal data; a partner viewer has none.
HUB_PERMISSIONS: dict[str, frozenset[str]] = {
    HubRole.COORDINATOR: frozenset(
        {
            "hub.view",
            "hub.manage",
            "members.manage",
            "journal.view",
            "people.view",
            "people.edit",
            "people.anonymise",
            "people.merge",
        }
    ),
    HubRole.STAFF: frozenset({"hub.view", "people.view", "people.edit", "people.anonymise"}),
    HubRole.DIGIHELPER: frozenset({"hub.view", "people.view", "people.edit"}),
    HubRole.TRAINER: frozenset({"hub.view", "people.view"}),
    HubRole.PARTNER_VIEWER: frozenset({"hub.view"}),
}

# Roles that must use two-factor authentication where it is enforced.
TWO_FACTOR_HUB_ROLES = frozenset({HubRole.COORDINATOR})
TWO_FACTOR_PROGRAMME_ROLES = frozenset({ProgrammeRoleKind.OFFICER})
