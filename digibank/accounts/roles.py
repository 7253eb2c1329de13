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


# Hub permissions. Every permission but "hub.view" reaches personal data; a partner
# viewer has only that one.
#   helpdesk.log        log help given, quick tally, the help point's day view
#   helpdesk.manage     topics, rota, volunteers' profiles, mandates
#   appointments.book   book, cancel and reschedule appointments; run the walk-in queue
#   appointments.manage slot settings of help points
#   learning.view       course catalogue, sessions and their lists
#   learning.enrol      enrol people, handle the waiting list
#   learning.teach      attendance, certificates
#   learning.manage     courses and sessions
#   assessments.take    digital-skills self-assessments with a participant
#   devices.view        the device inventory and a device's history
#   devices.manage      intake, wipes, repairs, labels, stock-take, import and export
#   lending.lend        requests, eligibility checks, check-out and return
#   lending.manage      lending policy, waiting-list priority and skips, organisations' loans
#   funding.report      the hub's grant: reach earned, instalments, reports to the funder
_STAFF = frozenset(
    {
        "devices.view",
        "devices.manage",
        "lending.lend",
        "hub.view",
        "people.view",
        "people.edit",
        "people.anonymise",
        "helpdesk.log",
        "helpdesk.manage",
        "appointments.book",
        "appointments.manage",
        "learning.view",
        "learning.enrol",
        "learning.teach",
        "learning.manage",
        "assessments.take",
    }
)
HUB_PERMISSIONS: dict[str, frozenset[str]] = {
    HubRole.COORDINATOR: _STAFF
    | {
        "hub.manage",
        "members.manage",
        "journal.view",
        "people.merge",
        "lending.manage",
        "funding.report",
    },
    HubRole.STAFF: _STAFF,
    HubRole.DIGIHELPER: frozenset(
        {
            "hub.view",
            "people.view",
            "people.edit",
            "helpdesk.log",
            "appointments.book",
            "learning.view",
            "learning.enrol",
            "assessments.take",
            "devices.view",
            "lending.lend",
        }
    ),
    HubRole.TRAINER: frozenset(
        {
            "hub.view",
            "people.view",
            "learning.view",
            "learning.enrol",
            "learning.teach",
            "assessments.take",
        }
    ),
    HubRole.PARTNER_VIEWER: frozenset({"hub.view"}),
}

# Roles that must use two-factor authentication where it is enforced: every role that
# reads personal data (all hub roles but the partner viewer's "hub.view"; programme
# officers and reviewers read applications and their people). Platform admins too.
TWO_FACTOR_HUB_ROLES = frozenset(
    role for role, permissions in HUB_PERMISSIONS.items() if permissions - {"hub.view"}
)
TWO_FACTOR_PROGRAMME_ROLES = frozenset({ProgrammeRoleKind.OFFICER, ProgrammeRoleKind.REVIEWER})
