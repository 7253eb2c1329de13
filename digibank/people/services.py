"""Every change to participants, consents and anonymous visitors. Each service runs in
one transaction, enforces the rules, keeps the search keys in step and writes the audit
journal in the same transaction. Journal details name fields and ids, never values.

Rule violations raise django.core.exceptions.ValidationError with a plain-language
message that views show to the user.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from digibank.core.credentials import refuse_credentials
from digibank.core.journal import journal_write
from digibank.network.models import Hub, Location, Postcode

from .consent import PRIVACY_NOTICE_VERSION
from .keys import apply_search_keys
from .models import (
    AgeBand,
    AnonymousVisitor,
    Consent,
    ConsentPurpose,
    Gender,
    Language,
    Participant,
    ParticipantTargetGroup,
    TargetGroup,
    VisitorStatus,
)
from .queries import field_labels
from .registry import (
    anonymise_blocked,
    anonymise_fields,
    anonymise_handlers,
    contact_sources,
    merge_handlers,
)
from .validation import clean_phone, clean_postcode, refuse_national_number

# Fields a person's record is made of, in the order forms and the merge page show them.
PERSONAL_FIELDS = (
    "given_name",
    "family_name",
    "phone",
    "email",
    "birth_year",
    "gender",
    "postcode",
    "preferred_language",
)
TEXT_FIELDS = ("given_name", "family_name", "phone", "email", "postcode")

# What anonymising erases. Kept for the figures: year of birth, gender, municipality,
# preferred language and target groups. The postcode is erased (with a name and a year of
# birth it can point to one person in a small village); the municipality stays.
ERASED_ON_ANONYMISE: dict[str, Any] = {
    "given_name": "",
    "family_name": "",
    "phone": "",
    "email": "",
    "postcode": "",
    "given_key": "",
    "family_key": "",
    "family_tail_key": "",
    "phone_digits": "",
    "phone_reversed": "",
}


# --- helpers ----------------------------------------------------------------------------


def municipality_for_postcode(code: str) -> str | None:
    """The NIS code of the municipality of a Belgian postcode, or None when unknown."""
    return (
        Postcode.objects.filter(code=code)
        .order_by("place_name")
        .values_list("municipality_id", flat=True)
        .first()
    )


def _clean_values(*, hub: Hub, data: Mapping[str, Any]) -> dict[str, Any]:
    """The personal fields from `data`, normalised and checked against the rules that hold
    whoever calls (form, API, import)."""
    values: dict[str, Any] = {}
    for field in PERSONAL_FIELDS:
        value = data.get(field)
        if field in TEXT_FIELDS:
            value = " ".join(str(value or "").split())
            refuse_national_number(value, phone=field == "phone")
        values[field] = value
    refuse_credentials(given_name=values["given_name"], family_name=values["family_name"])
    values["phone"] = clean_phone(values["phone"])
    values["postcode"] = clean_postcode(values["postcode"])
    values["email"] = values["email"].lower()
    values["gender"] = values["gender"] or ""
    if values["gender"] not in {"", *Gender.values}:
        raise ValidationError(_("Choose a gender from the list."), code="gender")
    values["preferred_language"] = values["preferred_language"] or Language.DUTCH
    if values["preferred_language"] not in Language.values:
        raise ValidationError(_("Choose a language from the list."), code="language")
    birth_year = values["birth_year"]
    if birth_year in ("", None):
        values["birth_year"] = None
    elif not (str(birth_year).isdigit() and 1900 <= int(birth_year) <= timezone.localdate().year):
        raise ValidationError(_("The year of birth is not possible."), code="birth_year")
    else:
        values["birth_year"] = int(birth_year)
    missing = [
        field
        for field in hub.required_participant_fields or []
        if field in values and values[field] in ("", None)
    ]
    if missing:
        raise ValidationError(
            _("This hub needs these details: %(fields)s.")
            % {"fields": ", ".join(field_labels(missing))},
            code="required",
        )
    municipality_id = None
    if values["postcode"]:
        municipality_id = municipality_for_postcode(values["postcode"])
        if municipality_id is None:
            raise ValidationError(_("This postcode does not exist in Belgium."), code="postcode")
    values["municipality_id"] = municipality_id
    return values


def _clean_groups(target_groups: Iterable[str]) -> set[str]:
    groups = set(target_groups)
    if not groups <= set(TargetGroup.values):
        raise ValidationError(_("Choose target groups from the list."), code="target_group")
    return groups


def _locked(participant: Participant) -> Participant:
    """The participant's current row, locked for the rest of the transaction (PostgreSQL;
    SQLite's IMMEDIATE transactions already serialise writers)."""
    return Participant.objects.select_for_update().get(pk=participant.pk)


def _ensure_changeable(participant: Participant) -> None:
    if participant.is_anonymised:
        raise ValidationError(
            _("This record is anonymised. It cannot be changed."), code="anonymised"
        )
    if participant.is_merged:
        raise ValidationError(
            _("This record was merged into another one. Change the other record."),
            code="merged",
        )


# --- participants -----------------------------------------------------------------------


@transaction.atomic
def participant_create(
    *,
    actor: Any,
    hub: Hub,
    data: Mapping[str, Any],
    target_groups: Iterable[str] = (),
    consent_given: bool = False,
    duplicate_confirmed: bool = False,
) -> Participant:
    """Register a person. With `consent_given`, the consent to keep their data (purpose
    'registration') is recorded under the current privacy notice."""
    values = _clean_values(hub=hub, data=data)
    groups = _clean_groups(target_groups)
    participant = Participant(hub=hub, created_by=actor, **values)
    apply_search_keys(participant)
    participant.save()
    ParticipantTargetGroup.objects.bulk_create(
        ParticipantTargetGroup(participant=participant, group=group) for group in sorted(groups)
    )
    journal_write(
        actor=actor,
        action="participant.create",
        subject=participant,
        hub_id=hub.pk,
        details={
            "fields": [field for field in PERSONAL_FIELDS if values[field] not in ("", None)]
            + (["target_groups"] if groups else []),
            "duplicate_confirmed": duplicate_confirmed,
        },
    )
    if consent_given:
        consent_record(actor=actor, participant=participant, purpose=ConsentPurpose.REGISTRATION)
    return participant


@transaction.atomic
def participant_update(
    *,
    actor: Any,
    participant: Participant,
    data: Mapping[str, Any],
    target_groups: Iterable[str],
) -> list[str]:
    """Change a person's details; returns the names of the fields that changed. The person
    was in contact, so last_seen_at moves to now."""
    current = _locked(participant)
    _ensure_changeable(current)
    values = _clean_values(hub=current.hub, data=data)
    groups = _clean_groups(target_groups)
    changed = [field for field in PERSONAL_FIELDS if getattr(current, field) != values[field]]
    for field, value in values.items():
        setattr(current, field, value)
    apply_search_keys(current)
    current.last_seen_at = timezone.now()
    current.save()
    old_groups = set(current.target_groups.values_list("group", flat=True))
    if groups != old_groups:
        changed.append("target_groups")
        current.target_groups.filter(group__in=old_groups - groups).delete()
        ParticipantTargetGroup.objects.bulk_create(
            ParticipantTargetGroup(participant=current, group=group)
            for group in sorted(groups - old_groups)
        )
    if changed:
        journal_write(
            actor=actor,
            action="participant.update",
            subject=current,
            hub_id=current.hub_id,
            details={"fields": changed},
        )
    participant.refresh_from_db()
    return changed


def _erased_value(model: type[Model], name: str) -> Any:
    field = model._meta.get_field(name)
    if isinstance(field, models.BinaryField):
        return b""
    if isinstance(field, models.JSONField):
        return field.get_default()
    return ""


def _anonymise_rows(ids: list[int], *, now: datetime) -> None:
    """Erase everything about these people, in every app: their own record here, then
    every text field the apps declared (people.registry.register_anonymise_fields)."""
    Participant.objects.filter(pk__in=ids).update(
        **ERASED_ON_ANONYMISE, anonymised_at=now, updated_at=now
    )
    Consent.objects.filter(participant_id__in=ids, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    for declared in anonymise_fields():
        if declared.erase and declared.model is not Participant:
            declared.model._default_manager.filter(**{f"{declared.via}__in": ids}).update(
                **{name: _erased_value(declared.model, name) for name in declared.erase}
            )
    for handler in anonymise_handlers():
        handler(ids)


def _refuse_when_blocked(participant: Participant) -> None:
    reasons = anonymise_blocked([participant.pk]).get(participant.pk)
    if reasons:
        raise ValidationError(" ".join(reasons), code="blocked")


def latest_contacts(ids: list[int], *, since: datetime) -> dict[int, datetime]:
    """The newest service given to each of these people at or after `since`, from every
    app's contact sources (one indexed query each); never later than now."""
    now = timezone.now()
    latest: dict[int, datetime] = {}
    for source in contact_sources():
        rows = (
            source.model._default_manager.filter(
                **{f"{source.via}__in": ids, f"{source.when}__gte": since}
            )
            .order_by()
            .values_list(source.via)
            .annotate(last=Max(source.when))
        )
        for pk, last in rows:
            latest[pk] = min(max(last, latest.get(pk, last)), now)
    return latest


def participant_mark_seen(*, participant: Participant, when: datetime | None = None) -> None:
    """The person was in touch (a help, a visit, a lesson): retention starts again from
    now. One UPDATE, only when it moves the date forward; not journaled (not a change
    of personal data)."""
    when = when or timezone.now()
    Participant.objects.filter(pk=participant.pk, last_seen_at__lt=when).update(last_seen_at=when)


@transaction.atomic
def participant_anonymise(*, actor: Any, participant: Participant) -> None:
    """Erase names, phone, e-mail and postcode for good, and every text the apps keep
    about the person; withdraw every consent. What is left (year of birth, gender,
    municipality, language, target groups) only feeds the figures. Refused while an app
    holds the person back (a device still on loan). This cannot be undone."""
    current = _locked(participant)
    _ensure_changeable(current)
    _refuse_when_blocked(current)
    now = timezone.now()
    _anonymise_rows([current.pk], now=now)
    journal_write(
        actor=actor,
        action="participant.anonymise",
        subject=current,
        hub_id=current.hub_id,
        details={"reason": "request"},
    )
    participant.refresh_from_db()


def participants_anonymise_inactive(
    *, actor: Any = None, before: datetime, batch_size: int = 500
) -> int:
    """Anonymise everyone not seen since `before`, one transaction per batch so a long run
    never holds the database. People who had a service since then (a loan, a lesson, an
    appointment: the apps' contact sources) are marked seen instead; people an app holds
    back (an open loan) are left for a later run. Returns how many were anonymised."""
    total = 0
    after: tuple[datetime, int] | None = None  # the last row looked at: pages move on
    while True:
        with transaction.atomic():
            rows = _retention_batch(before=before, after=after, size=batch_size)
            if not rows:
                return total
            after = (rows[-1][2], rows[-1][0])
            ids = [pk for pk, _hub, _seen in rows]
            contacted = latest_contacts(ids, since=before)
            _mark_seen_at(contacted)
            blocked = anonymise_blocked(ids)
            held = contacted.keys() | blocked.keys()
            gone = [(pk, hub) for pk, hub, _seen in rows if pk not in held]
            _anonymise_rows([pk for pk, _hub in gone], now=timezone.now())
            for pk, hub_id in gone:
                journal_write(
                    actor=actor,
                    action="participant.anonymise",
                    subject=Participant(pk=pk),
                    hub_id=hub_id,
                    details={"reason": "retention"},
                )
            total += len(gone)


def _retention_batch(
    *, before: datetime, after: tuple[datetime, int] | None, size: int
) -> list[tuple[int, int, datetime]]:
    """(id, hub id, last seen) of the next people not seen since `before`, oldest first,
    locked for the batch's transaction. Walks the last_seen_at index."""
    rows = Participant.objects.select_for_update().filter(
        anonymised_at__isnull=True, merged_into__isnull=True, last_seen_at__lt=before
    )
    if after is not None:
        seen, pk = after
        rows = rows.filter(Q(last_seen_at__gt=seen) | Q(last_seen_at=seen, pk__gt=pk))
    return list(
        rows.order_by("last_seen_at", "id").values_list("id", "hub_id", "last_seen_at")[:size]
    )


def _mark_seen_at(seen: dict[int, datetime]) -> None:
    if seen:
        Participant.objects.bulk_update(
            [Participant(pk=pk, last_seen_at=when) for pk, when in seen.items()],
            ["last_seen_at"],
        )


@transaction.atomic
def participant_merge(
    *,
    actor: Any,
    source: Participant,
    target: Participant,
    fields_from_source: Iterable[str] = (),
) -> Participant:
    """Merge two records of the same person: `target` stays, `source` points to it from
    now on. For each field in `fields_from_source` the target takes the source's value.
    Target groups and consents move to the target; when both have an active consent for
    the same purpose, the newer one stays active and the older one is marked withdrawn
    (its row is kept). Other apps move their rows through the merge handlers, inside
    this transaction. The merged record keeps no personal data."""
    if source.pk == target.pk:
        raise ValidationError(_("Choose two different records."), code="same")
    first, second = sorted([source.pk, target.pk])
    locked = {
        row.pk: row
        for row in Participant.objects.select_for_update().filter(pk__in=[first, second])
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.hub_id != target.hub_id:
        raise ValidationError(_("Both records must belong to the same hub."), code="hub")
    for record in (source, target):
        _ensure_changeable(record)
    taken = [field for field in PERSONAL_FIELDS if field in set(fields_from_source)]
    for field in taken:
        setattr(target, field, getattr(source, field))
    if "postcode" in taken:
        target.municipality_id = source.municipality_id
    apply_search_keys(target)
    target.last_seen_at = max(target.last_seen_at, source.last_seen_at)
    target.save()

    # Target groups: the union.
    have = set(target.target_groups.values_list("group", flat=True))
    ParticipantTargetGroup.objects.bulk_create(
        ParticipantTargetGroup(participant=target, group=group)
        for group in sorted(set(source.target_groups.values_list("group", flat=True)) - have)
    )
    source.target_groups.all().delete()

    # Consents: move them all; one active consent per purpose (the newest).
    now = timezone.now()
    superseded: list[int] = []
    active = {c.purpose: c for c in target.consents.filter(withdrawn_at__isnull=True)}
    for consent in source.consents.filter(withdrawn_at__isnull=True):
        other = active.get(consent.purpose)
        if other is None:
            continue
        older = consent if consent.given_at <= other.given_at else other
        older.withdrawn_at = now
        older.save(update_fields=["withdrawn_at"])
        superseded.append(older.pk)
    source.consents.update(participant=target)

    # Records merged into the source earlier now point straight at the target.
    Participant.objects.filter(merged_into=source).update(merged_into=target)
    for field, value in ERASED_ON_ANONYMISE.items():
        setattr(source, field, value)
    source.merged_into = target
    source.save()

    for handler in merge_handlers():
        handler(source, target, actor)

    journal_write(
        actor=actor,
        action="participant.merge",
        subject=target,
        hub_id=target.hub_id,
        details={
            "merged_id": source.pk,
            "fields_from_merged": taken,
            "consents_superseded": superseded,
        },
    )
    journal_write(
        actor=actor,
        action="participant.merged_into",
        subject=source,
        hub_id=source.hub_id,
        details={"target_id": target.pk},
    )
    return target


def resolve_merged(participant: Participant) -> Participant:
    """The surviving record of a merged one (merges re-point earlier ones, so this is
    one hop; a few more are followed for records merged before that rule)."""
    seen = 0
    while participant.merged_into_id is not None and seen < 10:
        participant = Participant.objects.get(pk=participant.merged_into_id)
        seen += 1
    return participant


# --- consent ----------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    actor: Any,
    participant: Participant,
    purpose: str,
    notice_version: str = PRIVACY_NOTICE_VERSION,
) -> Consent:
    current = _locked(participant)
    _ensure_changeable(current)
    if purpose not in ConsentPurpose.values:
        raise ValidationError(_("Choose what the person agrees to."), code="purpose")
    if current.consents.filter(purpose=purpose, withdrawn_at__isnull=True).exists():
        raise ValidationError(
            _("This consent is already recorded. Withdraw it first if it has to change."),
            code="already_given",
        )
    try:
        with transaction.atomic():
            consent = Consent.objects.create(
                participant=current,
                purpose=purpose,
                notice_version=notice_version,
                recorded_by=actor,
            )
    except IntegrityError as error:  # a second request won the race
        raise ValidationError(
            _("This consent is already recorded. Withdraw it first if it has to change."),
            code="already_given",
        ) from error
    journal_write(
        actor=actor,
        action="consent.record",
        subject=current,
        hub_id=current.hub_id,
        details={"consent_id": consent.pk, "purpose": purpose, "notice_version": notice_version},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Any, consent: Consent) -> Consent:
    current = Consent.objects.select_for_update().select_related("participant").get(pk=consent.pk)
    if current.withdrawn_at is not None:
        raise ValidationError(_("This consent was already withdrawn."), code="withdrawn")
    _ensure_changeable(current.participant)
    current.withdrawn_at = timezone.now()
    current.save(update_fields=["withdrawn_at"])
    journal_write(
        actor=actor,
        action="consent.withdraw",
        subject=current.participant,
        hub_id=current.participant.hub_id,
        details={"consent_id": current.pk, "purpose": current.purpose},
    )
    return current


# --- anonymous visitors -----------------------------------------------------------------


def visitor_date_range() -> tuple[date, date]:
    """Visits can be recorded from one year ago up to today."""
    today = timezone.localdate()
    return today - timedelta(days=365), today


@transaction.atomic
def visitor_record(
    *,
    actor: Any,
    hub: Hub,
    visited_on: date,
    location: Location | None = None,
    age_band: str = "",
    gender: str = "",
    status: str = "",
    postcode: str = "",
) -> AnonymousVisitor:
    earliest, latest = visitor_date_range()
    if not earliest <= visited_on <= latest:
        raise ValidationError(
            _("The date must be between one year ago and today."), code="visited_on"
        )
    if location is not None and (location.hub_id != hub.pk or not location.is_active):
        raise ValidationError(_("Choose one of this hub's open locations."), code="location")
    postcode = clean_postcode(postcode)
    if postcode and not Postcode.objects.filter(code=postcode).exists():
        raise ValidationError(_("This postcode does not exist in Belgium."), code="postcode")
    if (
        age_band not in AgeBand.values
        or gender not in {"", *Gender.values}
        or status not in VisitorStatus.values
    ):
        raise ValidationError(_("Choose the answers from the lists."), code="choice")
    visitor = AnonymousVisitor.objects.create(
        hub=hub,
        location=location,
        visited_on=visited_on,
        age_band=age_band,
        gender=gender,
        status=status,
        postcode=postcode,
        recorded_by=actor,
    )
    journal_write(actor=actor, action="visitor.record", subject=visitor, hub_id=hub.pk)
    return visitor
