"""Every change of the help desk: logging help, the quick tally, digihelper profiles,
mandates, and the daily work (inactive volunteers, mandate reminders). Each service runs
in one transaction, enforces the rules and writes the journal in it. Journal details name
topics, fields and ids, never a person's data or a note."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digibank.accounts.models import Membership
from digibank.accounts.roles import HubRole
from digibank.core.credentials import credential_problem, refuse_credentials
from digibank.core.journal import journal_write
from digibank.core.messaging import MessageKind, reminder_send_time, send_once
from digibank.core.models import SentMessage
from digibank.core.text import contains_national_number
from digibank.core.validators import NATIONAL_NUMBER_MESSAGE
from digibank.network.models import Hub, Location
from digibank.people import services as people_services
from digibank.people.models import AgeBand, Gender, Language, Participant, VisitorStatus
from digibank.people.validation import clean_postcode

from . import rollups
from .models import (
    Autonomy,
    Channel,
    DigihelperProfile,
    HelpdeskSettings,
    HelperLanguage,
    HelpQuestion,
    HelpTopic,
    Mandate,
    MandateKind,
    Outcome,
)

MAX_DURATION = 600
# How long before deactivation a volunteer is warned.
INACTIVE_WARNING_DAYS = 14
# Mandates ending within this many days are listed for the hub and reminded.
MANDATE_NOTICE_DAYS = 30


def inactive_days() -> int:
    return int(settings.VOLUNTEER_INACTIVE_DAYS)


# --- help questions ---------------------------------------------------------------------


@dataclass
class HelpValues:
    """What a help form gives. The person: `participant`, or the anonymous fields."""

    location: Location
    topics: Sequence[HelpTopic]
    channel: str = Channel.WALK_IN
    # None / "": not recorded (nothing is pre-selected unless the hub set defaults).
    duration_minutes: int | None = None
    autonomy: str = ""
    outcome: str = ""
    referred_to: str = ""
    follow_up_needed: bool = False
    follow_up_due: date | None = None
    follow_up_assignee: Any = None
    note: str = ""
    participant: Participant | None = None
    age_band: str = ""
    gender: str = ""
    status: str = ""
    postcode: str = ""
    occurred_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _check_location(hub: Hub, location: Location) -> None:
    if location.hub_id != hub.pk or not location.is_active:
        raise ValidationError({"location": _("Choose one of the hub's open help points.")})


def _check_participant(hub: Hub, participant: Participant) -> Participant:
    if participant.hub_id != hub.pk:
        raise ValidationError({"participant": _("Choose a person of this hub.")})
    if participant.is_merged:
        participant = people_services.resolve_merged(participant)
    if participant.is_anonymised:
        raise ValidationError({"participant": _("This record is anonymised. Log it as anonymous.")})
    return participant


def _clean(hub: Hub, values: HelpValues) -> dict[str, Any]:
    _check_location(hub, values.location)
    topics = list(values.topics)
    if not topics:
        raise ValidationError({"topics": _("Choose at least one topic.")})
    if any(not topic.is_active for topic in topics):
        raise ValidationError({"topics": _("Choose topics from the list.")})
    errors: dict[str, str] = {}
    if values.channel not in Channel.values:
        errors["channel"] = _("Choose a channel from the list.")
    if values.autonomy and values.autonomy not in Autonomy.values:
        errors["autonomy"] = _("Choose from the list.")
    if values.outcome and values.outcome not in Outcome.values:
        errors["outcome"] = _("Choose from the list.")
    if (
        values.duration_minutes is not None
        and not 1 <= int(values.duration_minutes) <= MAX_DURATION
    ):
        errors["duration_minutes"] = _("Type a duration between 1 and 600 minutes.")
    referred_to = " ".join(values.referred_to.split())
    if values.outcome == Outcome.REFERRED and not referred_to:
        errors["referred_to"] = _("Say to which organisation you referred the person.")
    if problem := credential_problem(referred_to):
        errors["referred_to"] = problem
    if errors:
        raise ValidationError(errors)
    note = values.note.strip()
    refuse_credentials(note=note)
    participant = values.participant
    anonymous = {"age_band": "", "gender": "", "status": "", "postcode": ""}
    if participant is not None:
        participant = _check_participant(hub, participant)
    else:
        try:
            postcode = clean_postcode(values.postcode)
        except ValidationError as error:
            raise ValidationError({"postcode": error.messages}) from error
        anonymous = {
            "age_band": values.age_band or "",
            "gender": values.gender or "",
            "status": values.status or "",
            "postcode": postcode,
        }
        if (
            anonymous["age_band"] not in AgeBand.values
            or anonymous["gender"] not in {"", *Gender.values}
            or anonymous["status"] not in VisitorStatus.values
        ):
            raise ValidationError(_("Choose age, gender and status from the lists."))
    return {
        "location": values.location,
        "channel": values.channel,
        "duration_minutes": (
            None if values.duration_minutes is None else int(values.duration_minutes)
        ),
        "autonomy": values.autonomy or "",
        "outcome": values.outcome or "",
        "referred_to": referred_to if values.outcome == Outcome.REFERRED else "",
        "follow_up_needed": bool(values.follow_up_needed),
        **_follow_up(hub, values),
        "note": note,
        "participant": participant,
        **anonymous,
    }


FOLLOW_UP_DAYS = 7


def _follow_up(hub: Hub, values: HelpValues) -> dict[str, Any]:
    """Due date (a week by default) and assignee (the author when None: filled in by
    the caller) of a follow-up; empty when none is needed."""
    if not values.follow_up_needed:
        return {"follow_up_due": None, "follow_up_assignee": None}
    assignee = values.follow_up_assignee
    if (
        assignee is not None
        and not Membership.objects.filter(user=assignee, hub=hub, is_active=True).exists()
    ):
        raise ValidationError({"follow_up_assignee": _("Choose a member of this hub's team.")})
    return {
        "follow_up_due": values.follow_up_due
        or timezone.localdate() + timedelta(days=FOLLOW_UP_DAYS),
        "follow_up_assignee": assignee,
    }


def _mark_seen(participant: Participant | None, when: datetime) -> None:
    """A help is a contact: the person was seen (keeps retention from anonymising them)."""
    if participant is not None:
        people_services.participant_mark_seen(participant=participant, when=when)


def _new_participant(
    *, actor: Any, hub: Hub, values: HelpValues, person: Mapping[str, Any], consent_given: bool
) -> None:
    """Register the person the help is for (people.services.participant_create)."""
    _clean(hub, HelpValues(**{**values.__dict__, "participant": None}))  # fail fast
    values.participant = people_services.participant_create(
        actor=actor, hub=hub, data=person, consent_given=consent_given
    )
    values.age_band = values.gender = values.status = values.postcode = ""


@transaction.atomic
def help_log(
    *,
    actor: Any,
    hub: Hub,
    values: HelpValues,
    new_person: Mapping[str, Any] | None = None,
    consent_given: bool = False,
) -> HelpQuestion:
    """Log one help given. With `new_person`, the person is registered first, in the
    same transaction: both are saved or neither."""
    if new_person is not None:
        _new_participant(
            actor=actor, hub=hub, values=values, person=new_person, consent_given=consent_given
        )
    cleaned = _clean(hub, values)
    now = timezone.now()
    occurred_at = values.occurred_at or now
    if occurred_at > now + timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("A help cannot be in the future.")})
    if cleaned["follow_up_needed"] and cleaned["follow_up_assignee"] is None:
        cleaned["follow_up_assignee"] = actor
    question = HelpQuestion.objects.create(
        hub=hub, helper=actor, occurred_at=occurred_at, is_complete=True, **cleaned
    )
    question.topics.set(values.topics)
    rollups.refresh_helps([question])
    _mark_seen(question.participant, now)
    journal_write(
        actor=actor,
        action="help.log",
        subject=question,
        hub_id=hub.pk,
        details={
            "topics": sorted(topic.code for topic in values.topics),
            "anonymous": question.participant_id is None,
            "new_person": new_person is not None,
        },
    )
    return question


@transaction.atomic
def help_tally(*, actor: Any, hub: Hub, location: Location, topic: HelpTopic) -> HelpQuestion:
    """One tap at a busy moment: a help with just its topic, to complete later."""
    _check_location(hub, location)
    if not topic.is_active:
        raise ValidationError({"topic": _("Choose a topic from the list.")})
    question = HelpQuestion.objects.create(
        hub=hub, location=location, helper=actor, is_complete=False
    )
    question.topics.add(topic)
    rollups.refresh_helps([question])
    journal_write(
        actor=actor,
        action="help.tally",
        subject=question,
        hub_id=hub.pk,
        details={"topics": [topic.code]},
    )
    return question


@transaction.atomic
def help_update(
    *,
    actor: Any,
    question: HelpQuestion,
    values: HelpValues,
    new_person: Mapping[str, Any] | None = None,
    consent_given: bool = False,
) -> HelpQuestion:
    """Complete or correct a help; it counts as complete afterwards."""
    current = HelpQuestion.objects.select_for_update().get(pk=question.pk)
    hub = current.hub
    if new_person is not None:
        _new_participant(
            actor=actor, hub=hub, values=values, person=new_person, consent_given=consent_given
        )
    cleaned = _clean(hub, values)
    # The day it was on before: a corrected time may move it to another day.
    before = (current.hub_id, rollups.local_day(current.occurred_at))
    if cleaned["follow_up_needed"] and cleaned["follow_up_assignee"] is None:
        cleaned["follow_up_assignee"] = current.follow_up_assignee or current.helper
    linked = current.participant_id is None and cleaned["participant"] is not None
    for name, value in cleaned.items():
        setattr(current, name, value)
    if values.occurred_at:
        current.occurred_at = values.occurred_at
    current.is_complete = True
    current.save()
    current.topics.set(values.topics)
    rollups.refresh_helps([current], also=[before])
    _mark_seen(current.participant, timezone.now())
    journal_write(
        actor=actor,
        action="help.update",
        subject=current,
        hub_id=hub.pk,
        details={"topics": sorted(topic.code for topic in values.topics)},
        participant=current.participant,
    )
    if linked and question.is_complete:
        # An anonymous help now counts for the person who registered.
        journal_write(
            actor=actor,
            action="help.link_person",
            subject=current,
            hub_id=hub.pk,
            participant=current.participant,
        )
    return current


@transaction.atomic
def help_leave_anonymous(*, actor: Any, question: HelpQuestion) -> HelpQuestion:
    """A tallied help stays as it is: anonymous, with its topic and the defaults."""
    updated = HelpQuestion.objects.filter(pk=question.pk, is_complete=False).update(
        is_complete=True
    )
    if updated:
        rollups.refresh_helps([question])
        journal_write(
            actor=actor, action="help.leave_anonymous", subject=question, hub_id=question.hub_id
        )
    question.is_complete = True
    return question


def may_withdraw(question: HelpQuestion, *, user: Any, can_manage: bool) -> bool:
    """Its author on the day it was logged; a coordinator (helpdesk.manage) any time."""
    if question.withdrawn_at is not None:
        return False
    if can_manage:
        return True
    return (
        question.helper_id == user.pk
        and timezone.localdate(question.created_at) == timezone.localdate()
    )


@transaction.atomic
def help_withdraw(
    *, actor: Any, question: HelpQuestion, reason: str, can_manage: bool
) -> HelpQuestion:
    """Withdraw a mistaken tap or log: it leaves every list, figure, report and reach
    count (HelpQuestion.objects no longer sees it); the row and the journal stay."""
    current = HelpQuestion.all_objects.select_for_update().get(pk=question.pk)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": _("Say in a few words why you withdraw this help.")})
    refuse_credentials(reason=reason)
    if not may_withdraw(current, user=actor, can_manage=can_manage):
        raise ValidationError(
            _("Only its author on the same day, or a coordinator, can withdraw this help.")
        )
    current.withdrawn_at = timezone.now()
    current.withdrawn_by = actor
    current.withdraw_reason = reason[:300]
    current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    rollups.refresh_helps([current])
    journal_write(
        actor=actor,
        action="help.withdraw",
        subject=current,
        hub_id=current.hub_id,
        details={"by_author": current.helper_id == getattr(actor, "pk", None)},
        participant=current.participant,
    )
    return current


@transaction.atomic
def follow_up_done(*, actor: Any, question: HelpQuestion, outcome: str) -> HelpQuestion:
    """Close a follow-up with a short outcome."""
    current = HelpQuestion.objects.select_for_update().get(pk=question.pk)
    outcome = " ".join(outcome.split())
    if not outcome:
        raise ValidationError({"outcome": _("Say in a few words what came of it.")})
    refuse_credentials(outcome=outcome)
    if not current.follow_up_needed or current.follow_up_done_at is not None:
        raise ValidationError(_("This follow-up is already done."))
    current.follow_up_done_at = timezone.now()
    current.follow_up_outcome = outcome[:300]
    current.save(update_fields=["follow_up_done_at", "follow_up_outcome"])
    journal_write(
        actor=actor,
        action="help.follow_up_done",
        subject=current,
        hub_id=current.hub_id,
        participant=current.participant,
    )
    return current


@transaction.atomic
def settings_save(
    *,
    actor: Any,
    hub: Hub,
    default_duration: int | None,
    default_autonomy: str,
    default_outcome: str,
) -> HelpdeskSettings:
    """The hub's own defaults for the help form (empty: nothing pre-selected)."""
    errors: dict[str, str] = {}
    if default_duration is not None and not 1 <= default_duration <= MAX_DURATION:
        errors["default_duration"] = _("Type a duration between 1 and 600 minutes.")
    if default_autonomy and default_autonomy not in Autonomy.values:
        errors["default_autonomy"] = _("Choose from the list.")
    if default_outcome and default_outcome not in Outcome.values:
        errors["default_outcome"] = _("Choose from the list.")
    if errors:
        raise ValidationError(errors)
    found, _created = HelpdeskSettings.objects.select_for_update().get_or_create(hub=hub)
    found.default_duration = default_duration
    found.default_autonomy = default_autonomy
    found.default_outcome = default_outcome
    found.save()
    journal_write(
        actor=actor,
        action="helpdesk.settings",
        subject=hub,
        hub_id=hub.pk,
        details={
            "default_duration": default_duration,
            "default_autonomy": default_autonomy,
            "default_outcome": default_outcome,
        },
    )
    return found


def move_help_on_merge(source: Participant, target: Participant, actor: Any) -> None:
    """People merge handler: the merged record's help and mandates go to the survivor."""
    moved = list(HelpQuestion.all_objects.filter(participant=source).only("hub_id", "occurred_at"))
    HelpQuestion.all_objects.filter(participant=source).update(participant=target)
    rollups.refresh_helps(moved)
    Mandate.objects.filter(participant=source).update(participant=target)


# --- digihelper profiles ----------------------------------------------------------------


@transaction.atomic
def profile_save(
    *,
    actor: Any,
    membership: Membership,
    topics: Iterable[HelpTopic],
    languages: Iterable[str],
    locations: Iterable[Location],
    availability: str,
) -> DigihelperProfile:
    """Set a member's digihelper profile (made on first save)."""
    languages = sorted(set(languages))
    if not set(languages) <= set(Language.values):
        raise ValidationError({"languages": _("Choose languages from the list.")})
    locations = list(locations)
    if any(location.hub_id != membership.hub_id for location in locations):
        raise ValidationError({"locations": _("Choose help points of this hub.")})
    availability = " ".join(availability.split())
    if contains_national_number(availability):
        raise ValidationError({"availability": str(NATIONAL_NUMBER_MESSAGE)})
    # One writer per member at a time (PostgreSQL), so two saves never both create.
    list(Membership.objects.select_for_update().filter(pk=membership.pk).values_list("pk"))
    profile, _created = DigihelperProfile.objects.get_or_create(
        membership=membership, defaults={"hub_id": membership.hub_id}
    )
    profile.availability = availability
    profile.save()
    profile.topics.set(list(topics))
    profile.locations.set(locations)
    profile.languages.all().delete()
    HelperLanguage.objects.bulk_create(
        HelperLanguage(profile=profile, language=language) for language in languages
    )
    journal_write(
        actor=actor,
        action="helper.profile",
        subject=membership,
        hub_id=membership.hub_id,
        details={"languages": languages},
    )
    return profile


def _last_activity() -> Any:
    """Per membership: the latest of its start, the user's last sign-in and the last
    help they logged in the hub."""
    last_help = (
        HelpQuestion.objects.filter(helper_id=OuterRef("user_id"), hub_id=OuterRef("hub_id"))
        .order_by()
        .values("helper_id")
        .annotate(last=Max("occurred_at"))
        .values("last")
    )
    return Greatest(
        "created_at",
        Coalesce("user__last_login", "created_at"),
        Coalesce(Subquery(last_help), "created_at"),
    )


def _warning_key(membership: Membership, last_activity: datetime) -> str:
    return f"helpdesk:volunteer:{membership.pk}:inactive:{last_activity:%Y%m%d%H%M%S}"


def volunteers_deactivate_inactive(*, now: datetime | None = None) -> tuple[int, int]:
    """Digihelper memberships (not the accounts) without any activity for
    VOLUNTEER_INACTIVE_DAYS: warned by e-mail INACTIVE_WARNING_DAYS before, deactivated
    when the period is over and the warning went out at least that long ago. Journaled
    without an actor. Returns (warned, deactivated)."""
    from digibank.network.services import member_set_active

    now = now or timezone.now()
    days = inactive_days()
    warn_before = now - timedelta(days=max(days - INACTIVE_WARNING_DAYS, 0))
    candidates = (
        Membership.objects.filter(role=HubRole.DIGIHELPER, is_active=True)
        .select_related("user", "hub")
        .annotate(last_activity=_last_activity())
        .filter(last_activity__lt=warn_before)
        .order_by("pk")
    )
    warned = deactivated = 0
    for membership in candidates.iterator(chunk_size=500):
        last: datetime = membership.last_activity
        key = _warning_key(membership, last)
        sent = SentMessage.objects.filter(key=key).values_list("sent_at", flat=True).first()
        if (
            last < now - timedelta(days=days)
            and sent is not None
            and sent <= now - timedelta(days=INACTIVE_WARNING_DAYS)
        ):
            with transaction.atomic():
                member_set_active(actor=None, membership=membership, active=False)  # type: ignore[arg-type]
                journal_write(
                    actor=None,
                    action="helper.deactivate_inactive",
                    subject=membership,
                    hub_id=membership.hub_id,
                    details={"inactive_days": days},
                )
            deactivated += 1
        elif sent is None:
            user = membership.user
            with translation.override(user.preferred_language or "nl"):
                text = _(
                    "Hello %(name)s,\n\nWe have not seen you at %(hub)s for a while. "
                    "Your digihelper access will be switched off on %(date)s unless you "
                    "sign in or log a help before then. Your account stays; a "
                    "coordinator can switch your access on again at any time.\n\n"
                    "Thank you for your help!"
                ) % {
                    "name": user.get_short_name(),
                    "hub": membership.hub.name,
                    "date": (now + timedelta(days=INACTIVE_WARNING_DAYS)).date().isoformat(),
                }
                subject = _("Your digihelper access will be switched off soon")
            if send_once(
                key=key, subject=subject, text=text, kind=MessageKind.SERVICE, email=user.email
            ):
                journal_write(
                    actor=None,
                    action="helper.inactive_warning",
                    subject=membership,
                    hub_id=membership.hub_id,
                    details={"inactive_days": days},
                )
                warned += 1
    return warned, deactivated


# --- mandates ---------------------------------------------------------------------------


@dataclass
class MandateValues:
    kind: str
    holder_name: str
    starts_on: date
    ends_on: date
    note: str = ""


def _clean_mandate(values: MandateValues) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if values.kind not in MandateKind.values:
        errors["kind"] = _("Choose a kind of mandate from the list.")
    holder = " ".join(values.holder_name.split())
    if not holder:
        errors["holder_name"] = _("Type the name of the person who holds the mandate.")
    elif problem := credential_problem(holder):
        errors["holder_name"] = problem
    if values.ends_on < values.starts_on:
        errors["ends_on"] = _("The end date must be on or after the start date.")
    if errors:
        raise ValidationError(errors)
    note = values.note.strip()
    refuse_credentials(note=note)
    return {
        "kind": values.kind,
        "holder_name": holder,
        "starts_on": values.starts_on,
        "ends_on": values.ends_on,
        "note": note,
    }


@transaction.atomic
def mandate_create(*, actor: Any, participant: Participant, values: MandateValues) -> Mandate:
    """Record that an official mandate exists (never credentials)."""
    if participant.is_anonymised or participant.is_merged:
        raise ValidationError(_("This record cannot be changed."))
    mandate = Mandate.objects.create(
        hub_id=participant.hub_id,
        participant=participant,
        created_by=actor,
        **_clean_mandate(values),
    )
    journal_write(
        actor=actor,
        action="mandate.create",
        subject=mandate,
        hub_id=participant.hub_id,
        details={"kind": mandate.kind, "participant_id": participant.pk},
    )
    return mandate


@transaction.atomic
def mandate_update(*, actor: Any, mandate: Mandate, values: MandateValues) -> Mandate:
    current = Mandate.objects.select_for_update().get(pk=mandate.pk)
    cleaned = _clean_mandate(values)
    changed = [name for name, value in cleaned.items() if getattr(current, name) != value]
    for name, value in cleaned.items():
        setattr(current, name, value)
    current.save()
    if changed:
        journal_write(
            actor=actor,
            action="mandate.update",
            subject=current,
            hub_id=current.hub_id,
            details={"fields": changed},
        )
    return current


@transaction.atomic
def mandate_remove(*, actor: Any, mandate: Mandate) -> None:
    journal_write(
        actor=actor,
        action="mandate.remove",
        subject=mandate,
        hub_id=mandate.hub_id,
        details={"kind": mandate.kind},
    )
    mandate.delete()


def mandates_remind(*, today: date | None = None) -> int:
    """Remind participants whose mandate ends within MANDATE_NOTICE_DAYS, in their
    language, once per mandate and end date. Returns how many reminders went out."""
    today = today or timezone.localdate()
    ending = (
        Mandate.objects.filter(
            ends_on__gte=today,
            ends_on__lte=today + timedelta(days=MANDATE_NOTICE_DAYS),
            participant__anonymised_at__isnull=True,
        )
        .select_related("participant", "hub")
        .order_by("ends_on", "pk")
    )
    sent = 0
    for mandate in ending.iterator(chunk_size=500):
        person = mandate.participant
        language = (
            person.preferred_language if person.preferred_language in {"nl", "fr", "en"} else "nl"
        )
        with translation.override(language):
            subject = _("Your mandate ends soon")
            text = _(
                "Hello,\n\nYour %(kind)s for %(holder)s ends on %(date)s. If you want "
                "%(holder)s to keep helping you, renew it before then. %(hub)s can help "
                "you with that."
            ) % {
                "kind": mandate.get_kind_display(),
                "holder": mandate.holder_name,
                "date": mandate.ends_on.strftime("%d/%m/%Y"),
                "hub": mandate.hub.name,
            }
        with transaction.atomic():
            if send_once(
                key=f"helpdesk:mandate:{mandate.pk}:ending:{mandate.ends_on:%Y%m%d}",
                subject=subject,
                text=text,
                kind=MessageKind.SERVICE,
                email=person.email,
                phone=person.phone,
                participant_id=person.pk,
                hub_id=mandate.hub_id,
                not_before=reminder_send_time(today + timedelta(days=1), mandate.hub_id),
            ):
                journal_write(
                    actor=None,
                    action="mandate.remind",
                    subject=mandate,
                    hub_id=mandate.hub_id,
                )
                sent += 1
    return sent
