"""Help desk rows for the tenancy walk: help questions (one anonymous, one for a
participant, one tallied), a digihelper profile and a mandate per hub."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from digibank.accounts.models import Membership
from digibank.helpdesk.models import (
    DigihelperProfile,
    HelperLanguage,
    HelpQuestion,
    HelpTopic,
    Mandate,
    MandateKind,
)

KWARG_KINDS: dict[tuple[str, str], str] = {
    ("helpdesk:edit", "pk"): "help_question",
    ("helpdesk:leave_anonymous", "pk"): "help_question",
    ("helpdesk:withdraw", "pk"): "help_question",
    ("helpdesk:follow_up_done", "pk"): "help_question",
    ("helpdesk:volunteer", "pk"): "membership",
    ("helpdesk:mandate_edit", "pk"): "mandate",
}
APP_DEFAULT_KIND: dict[str, str] = {"helpdesk": "help_question"}


def fill(side: Any, *, label: str, colleague: Any, location: Any, participants: list[Any]) -> None:
    hub = side.hub
    itsme = HelpTopic.objects.get(code="itsme")
    rows = []
    for participant, complete in ((participants[0], True), (None, True), (None, False)):
        question = HelpQuestion.objects.create(
            hub=hub,
            location=location,
            helper=colleague,
            participant=participant,
            age_band="" if participant else "65-79",
            is_complete=complete,
            note=f"Helped with Tax-on-web at {label}",
            referred_to=f"Ziekenfonds {label}",
            follow_up_needed=participant is not None,
            follow_up_due=timezone.localdate() if participant is not None else None,
            follow_up_assignee=colleague if participant is not None else None,
        )
        question.topics.add(itsme)
        rows.append(question)
    side.add("help_question", *rows)
    side.hub_records.append(f"Ziekenfonds {label}")

    membership = Membership.objects.get(user=colleague, hub=hub)
    profile = DigihelperProfile.objects.create(
        hub=hub, membership=membership, availability=f"Mornings in {label}sestraat"
    )
    profile.topics.add(itsme)
    profile.locations.add(location)
    HelperLanguage.objects.create(profile=profile, language="ar")
    side.add("digihelper_profile", profile)
    side.hub_records.append(f"Mornings in {label}sestraat")

    today = timezone.localdate()
    mandate = Mandate.objects.create(
        hub=hub,
        participant=participants[0],
        kind=MandateKind.BURGERPROFIEL,
        holder_name=f"Holder Vanderbeke{label}",
        starts_on=today - timedelta(days=700),
        ends_on=today + timedelta(days=10),
        created_by=colleague,
    )
    side.add("mandate", mandate)
    side.personal_data.append(f"Holder Vanderbeke{label}")
