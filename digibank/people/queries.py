"""Reads of the people app, used by views, the dashboard, reports and the API.

Search (DESIGN.md section 8) matches folded, indexed key columns with `startswith`, so
it is fast on millions of rows and forgiving about accents, case, spaces and +32.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Field, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from digibank.core.journal import action_label
from digibank.core.models import JournalEntry
from digibank.core.text import digits, fold, national_phone_digits
from digibank.network.models import Hub

from .keys import name_key
from .models import AnonymousVisitor, Consent, ConsentPurpose, Participant
from .timeline import TimelineItem

# A token that is a (piece of a) phone number or postcode: digits and phone punctuation.
_NUMBER_TOKEN = re.compile(r"^\+?[\d/.\-()]*\d[\d/.\-()]*$")
# More words than this are joined into the last one (a name has few parts).
_MAX_NAME_TOKENS = 5


def _name_condition(tokens: list[str]) -> Q:
    """Name words, in any of the orders people type them:
    'de smet' / 'desmet' / 'smet'  -> family name (whole or its last word);
    'jan'                          -> also a given name;
    'jan pee' / 'peeters jan'      -> given name + family name, either way round."""
    if len(tokens) > _MAX_NAME_TOKENS:
        tokens = [*tokens[: _MAX_NAME_TOKENS - 1], "".join(tokens[_MAX_NAME_TOKENS - 1 :])]
    whole = "".join(tokens)
    condition = Q(family_key__startswith=whole) | Q(family_tail_key__startswith=whole)
    if len(tokens) == 1:
        condition |= Q(given_key__startswith=whole)
    for split in range(1, len(tokens)):
        first, rest = "".join(tokens[:split]), "".join(tokens[split:])
        condition |= Q(given_key__startswith=first, family_key__startswith=rest)
        condition |= Q(given_key__startswith=first, family_tail_key__startswith=rest)
        condition |= Q(family_key__startswith=first, given_key__startswith=rest)
    return condition


def _number_condition(raw: str) -> Q:
    """'0470 12' and '+32 470 12' -> phone starts with 047012; 4+ digits also match the
    end of a number ('3456'); up to 4 digits also a postcode ('90' -> 9000, 9030...)."""
    plain = digits(raw)
    condition = Q(phone_digits__startswith=national_phone_digits(raw))
    if len(plain) >= 4:
        condition |= Q(phone_reversed__startswith=plain[::-1])
    if len(plain) <= 4 and not raw.startswith("+"):
        condition |= Q(postcode__startswith=plain)
    return condition


def search_condition(query: str) -> Q | None:
    """The filter for a search box query, or None for an empty query."""
    query = " ".join(query.split())[:200]
    if not query:
        return None
    if "@" in query:
        return Q(email__startswith=query.replace(" ", "").lower())
    name_tokens: list[str] = []
    number_tokens: list[str] = []
    for token in query.split(" "):
        if _NUMBER_TOKEN.match(token):
            number_tokens.append(token)
        else:
            name_tokens.extend(fold(token).split())
    condition = Q()
    if number_tokens:
        condition &= _number_condition(" ".join(number_tokens))
    if name_tokens:
        condition &= _name_condition(name_tokens)
    if not number_tokens and not name_tokens:  # only punctuation: matches nothing
        return Q(pk__in=[])
    return condition


def participant_search(
    *, hub: Hub, query: str = "", target_group: str = ""
) -> QuerySet[Participant]:
    """Active participants of the hub matching `query` (see `search_condition`); for an
    empty query the most recently registered ones. Anonymised records never match."""
    participants = Participant.objects.filter(
        hub=hub, merged_into__isnull=True, anonymised_at__isnull=True
    ).select_related("municipality")
    if target_group:
        participants = participants.filter(target_groups__group=target_group)
    condition = search_condition(query)
    if condition is None:
        return participants.order_by("-created_at", "-id")
    return participants.filter(condition).order_by("family_key", "given_key", "id")


def possible_duplicates(
    *,
    hub: Hub,
    given_name: str = "",
    family_name: str = "",
    phone: str = "",
    email: str = "",
    exclude_id: int | None = None,
    limit: int = 10,
) -> list[Participant]:
    """Active participants of the hub who look like the same person: the same given and
    family name (folded), or the same phone number, or the same e-mail address."""
    condition = Q()
    given, family = name_key(given_name), name_key(family_name)
    if given and family:
        condition |= Q(given_key=given, family_key=family)
    phone_digits = national_phone_digits(phone)
    if phone_digits:
        condition |= Q(phone_digits=phone_digits)
    if email.strip():
        condition |= Q(email=email.strip().lower())
    if not condition:
        return []
    candidates = Participant.objects.filter(
        condition, hub=hub, merged_into__isnull=True, anonymised_at__isnull=True
    ).select_related("municipality")
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    return list(candidates.order_by("family_key", "given_key", "id")[:limit])


def participant_consents(participant: Participant) -> list[Consent]:
    return list(participant.consents.select_related("recorded_by").order_by("-given_at", "-id"))


def person_of(subject: Any) -> int | None:
    """The participant a journal subject is or belongs to (a loan, an enrolment, a help
    question: any record with a participant), for core.journal.register_person_of."""
    if isinstance(subject, Participant):
        return subject.pk
    found = getattr(subject, "participant_id", None)
    return found if isinstance(found, int) else None


def participant_journal(participant: Participant) -> QuerySet[JournalEntry]:
    """Every line about the person, in any app, also of records merged into this one.
    Lines written before lines named their person are found by their subject."""
    ids = [participant.pk, *participant.merged_from.values_list("pk", flat=True)]
    return JournalEntry.objects.filter(
        Q(participant_id__in=ids)
        | Q(subject_type=participant._meta.label_lower, subject_id__in=[str(pk) for pk in ids])
    ).select_related("actor")


def field_label(name: str) -> str:
    """The human name of a participant field ('birth_year' -> 'year of birth')."""
    if name == "target_groups":
        return _("target groups")
    try:
        field = Participant._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(field.verbose_name) if isinstance(field, Field) else name


def field_labels(names: Iterable[str]) -> list[str]:
    """Human names of the fields listed in a journal entry."""
    return [field_label(name) for name in names]


def journal_detail(entry: JournalEntry) -> str:
    """A short, personal-data-free description of a journal entry's details."""
    details: dict[str, Any] = entry.details or {}
    parts = []
    if entry.subject_type and entry.subject_type != Participant._meta.label_lower:
        # A line about one of the person's records: say which kind (a loan, a help).
        with contextlib.suppress(LookupError, ValueError):
            parts.append(str(apps.get_model(entry.subject_type)._meta.verbose_name).capitalize())
    if details.get("fields"):
        fields = ", ".join(field_labels(details["fields"]))
        if entry.action == "participant.create":
            parts.append(_("Given: %(fields)s") % {"fields": fields})
        else:
            parts.append(_("Changed: %(fields)s") % {"fields": fields})
    if details.get("duplicate_confirmed"):
        parts.append(_("Saved although a similar record exists"))
    if details.get("purpose"):
        label = dict(ConsentPurpose.choices).get(details["purpose"], details["purpose"])
        parts.append(str(label))
    if details.get("merged_id"):
        parts.append(_("Record #%(id)s was merged into this one") % {"id": details["merged_id"]})
    if details.get("target_id"):
        parts.append(_("Merged into record #%(id)s") % {"id": details["target_id"]})
    if details.get("reason") == "retention":
        parts.append(_("Not seen for a long time"))
    if "results" in details:
        parts.append(_("%(count)s found") % {"count": details["results"]})
    if len(details.get("people", ())) > 1:
        parts.append(_("%(count)s people on the page") % {"count": len(details["people"])})
    return " · ".join(parts)


# Journal actions that belong on the participant's timeline (views are left out).
TIMELINE_ACTIONS = (
    "participant.create",
    "participant.update",
    "participant.merge",
    "participant.anonymise",
    "consent.record",
    "consent.withdraw",
)


def people_timeline(participant: Participant, limit: int) -> list[TimelineItem]:
    """The people app's own timeline items: registration, changes and consents, from the
    journal (also of records merged into this one). Two queries, whatever the history."""
    subject_ids = [str(participant.pk)]
    subject_ids += [
        str(pk)
        for pk in Participant.objects.filter(merged_into=participant).values_list("pk", flat=True)
    ]
    entries = JournalEntry.objects.filter(
        subject_type=participant._meta.label_lower,
        subject_id__in=subject_ids,
        action__in=TIMELINE_ACTIONS,
    ).select_related("actor")[:limit]
    return [
        TimelineItem(
            when=entry.created_at,
            title=action_label(entry.action),
            detail=" · ".join(
                part for part in (journal_detail(entry), str(entry.actor or "")) if part
            ),
        )
        for entry in entries
    ]


# --- dashboard and figures --------------------------------------------------------------


def start_of_week(today: date | None = None) -> datetime:
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return timezone.make_aware(datetime.combine(monday, datetime.min.time()))


def registered_since(*, hub: Hub, since: datetime) -> int:
    return Participant.objects.filter(hub=hub, created_at__gte=since).count()


def visitors_on(*, hub: Hub, day: date) -> int:
    return AnonymousVisitor.objects.filter(hub=hub, visited_on=day).count()


def participants_per_hub(hub_ids: Iterable[int]) -> dict[int, int]:
    """People reached per hub (merged duplicates not counted twice). One query."""
    rows = (
        Participant.objects.filter(hub_id__in=list(hub_ids), merged_into__isnull=True)
        .values("hub_id")
        .annotate(number=Count("id"))
        .order_by()
    )
    return {row["hub_id"]: row["number"] for row in rows}


def visitors_per_hub(hub_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        AnonymousVisitor.objects.filter(hub_id__in=list(hub_ids))
        .values("hub_id")
        .annotate(number=Count("id"))
        .order_by()
    )
    return {row["hub_id"]: row["number"] for row in rows}


def visitor_list(
    *, hub: Hub, start: date | None = None, end: date | None = None
) -> QuerySet[AnonymousVisitor]:
    visitors = AnonymousVisitor.objects.filter(hub=hub).select_related("location", "recorded_by")
    if start:
        visitors = visitors.filter(visited_on__gte=start)
    if end:
        visitors = visitors.filter(visited_on__lte=end)
    return visitors.order_by("-visited_on", "-id")


def has_contact_consent(participant_id: int) -> bool:
    """The person agreed to be contacted (an active consent for 'contact') and their record
    is still in use. Asked by core.messaging before any message that is not a service
    message."""
    return Consent.objects.filter(
        participant_id=participant_id,
        participant__anonymised_at__isnull=True,
        purpose=ConsentPurpose.CONTACT,
        withdrawn_at__isnull=True,
    ).exists()
