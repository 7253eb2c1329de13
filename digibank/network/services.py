"""Every change to network data: help points and their hours, partners and organisations,
the hub team and hub settings. Each function runs in one transaction, enforces the rules
(raising ValidationError keyed by form field where it can) and writes the journal in that
same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, time
from itertools import pairwise
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from digibank.accounts.models import Membership, User
from digibank.accounts.roles import HubRole
from digibank.core.journal import journal_write
from digibank.core.validators import validate_phone

from .models import (
    PARTICIPANT_OPTIONAL_FIELDS,
    Hub,
    HubPartner,
    Location,
    LocationKind,
    Municipality,
    OpeningException,
    OpeningHours,
    Organisation,
    OrganisationKind,
    PartnerType,
    Postcode,
    Weekday,
)
from .queries import local_today
from .validators import normalise_enterprise_number, validate_enterprise_number

# --- Addresses ------------------------------------------------------------------------


def postcode_places(code: str) -> list[Postcode]:
    """The places under a postcode, with their municipality, in a stable order."""
    return list(
        Postcode.objects.filter(code=(code or "").strip())
        .select_related("municipality")
        .order_by("place_name", "pk")
    )


def municipalities_for_postcode(code: str) -> list[Municipality]:
    """The distinct municipalities a postcode lies in (usually one)."""
    seen: dict[str, Municipality] = {}
    for place in postcode_places(code):
        seen.setdefault(place.municipality.nis_code, place.municipality)
    return list(seen.values())


def resolve_postcode(*, code: str, municipality_nis: str | None = None) -> Postcode:
    """The Postcode row for an address: the first place of the chosen municipality, or the
    first place of the postcode when no municipality is chosen."""
    places = postcode_places(code)
    if not places:
        raise ValidationError(
            {"postcode": _("We do not know this postcode. Enter a Belgian postcode of 4 digits.")}
        )
    if municipality_nis:
        for place in places:
            if place.municipality.nis_code == municipality_nis:
                return place
        raise ValidationError(
            {"municipality": _("This municipality does not match the postcode. Choose again.")}
        )
    return places[0]


def _check_phone(value: str) -> str:
    try:
        validate_phone(value)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from error
    return value.strip()


def _changed(obj: Any, values: dict[str, Any]) -> list[str]:
    """Set the values on obj and return the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


# --- Help points ----------------------------------------------------------------------


@dataclass(frozen=True)
class LocationValues:
    """What a coordinator edits on a help point."""

    name: str
    kind: str
    postcode: str
    street: str = ""
    municipality_nis: str | None = None
    phone: str = ""
    offers_lending: bool = False
    offers_training: bool = False
    offers_help_desk: bool = True
    is_mobile: bool = False
    offers_home_visits: bool = False
    accessibility_notes: str = ""


def _location_fields(values: LocationValues) -> dict[str, Any]:
    if not values.name.strip():
        raise ValidationError({"name": _("Enter the name of the help point.")})
    if values.kind not in LocationKind.values:
        raise ValidationError({"kind": _("Choose what kind of place this is.")})
    place = resolve_postcode(code=values.postcode, municipality_nis=values.municipality_nis)
    fields = asdict(values)
    fields.pop("municipality_nis")
    fields.update(
        name=values.name.strip(),
        street=values.street.strip(),
        postcode=place.code,
        municipality=place.municipality,
        latitude=place.latitude,
        longitude=place.longitude,
        phone=_check_phone(values.phone),
    )
    return fields


@transaction.atomic
def location_create(*, actor: User, hub: Hub, values: LocationValues) -> Location:
    location = Location(hub=hub, **_location_fields(values))
    location.save()
    journal_write(actor=actor, action="location.create", subject=location, hub_id=hub.pk)
    return location


@transaction.atomic
def location_update(*, actor: User, location: Location, values: LocationValues) -> Location:
    changed = _changed(location, _location_fields(values))
    if changed:
        location.save()
        journal_write(
            actor=actor,
            action="location.update",
            subject=location,
            hub_id=location.hub_id,
            details={"fields": changed},
        )
    return location


@transaction.atomic
def location_set_active(*, actor: User, location: Location, active: bool) -> Location:
    if location.is_active != active:
        location.is_active = active
        location.save(update_fields=["is_active", "updated_at"])
        journal_write(
            actor=actor,
            action="location.reactivate" if active else "location.deactivate",
            subject=location,
            hub_id=location.hub_id,
        )
    return location


class Period(NamedTuple):
    """One weekly opening period."""

    weekday: int
    opens_at: time
    closes_at: time


def check_periods(periods: Sequence[Period]) -> None:
    """Closing comes after opening, and periods on one day do not overlap."""
    by_day: dict[int, list[Period]] = {}
    for period in periods:
        if period.weekday not in Weekday.values:
            raise ValidationError(_("Choose a day of the week."))
        if period.closes_at <= period.opens_at:
            raise ValidationError(
                _("%(day)s: the closing time must be later than the opening time.")
                % {"day": Weekday(period.weekday).label}
            )
        by_day.setdefault(period.weekday, []).append(period)
    for weekday, day_periods in by_day.items():
        day_periods.sort(key=lambda item: item.opens_at)
        for earlier, later in pairwise(day_periods):
            if later.opens_at < earlier.closes_at:
                raise ValidationError(
                    _(
                        "%(day)s: the periods %(first)s and %(second)s overlap. "
                        "Change the times so one period ends before the next begins."
                    )
                    % {
                        "day": Weekday(weekday).label,
                        "first": f"{earlier.opens_at:%H:%M}–{earlier.closes_at:%H:%M}",
                        "second": f"{later.opens_at:%H:%M}–{later.closes_at:%H:%M}",
                    }
                )


@transaction.atomic
def location_set_opening_hours(
    *, actor: User, location: Location, periods: Sequence[Period]
) -> list[OpeningHours]:
    """Replace the weekly opening hours of a help point."""
    check_periods(periods)
    location.opening_hours.all().delete()
    rows = OpeningHours.objects.bulk_create(
        OpeningHours(
            location=location, weekday=p.weekday, opens_at=p.opens_at, closes_at=p.closes_at
        )
        for p in sorted(periods)
    )
    journal_write(
        actor=actor,
        action="location.hours",
        subject=location,
        hub_id=location.hub_id,
        details={"periods": len(rows)},
    )
    return rows


@transaction.atomic
def opening_exception_add(
    *,
    actor: User,
    location: Location,
    day: date,
    is_closed: bool,
    opens_at: time | None = None,
    closes_at: time | None = None,
    reason: str = "",
) -> OpeningException:
    """A day that differs from the weekly hours: closed, or open at other hours."""
    if day < local_today():
        raise ValidationError({"date": _("Choose today or a date in the future.")})
    if is_closed:
        opens_at = closes_at = None
    else:
        if opens_at is None or closes_at is None:
            raise ValidationError(_("Enter the opening and closing time for this day."))
        if closes_at <= opens_at:
            raise ValidationError(
                {"closes_at": _("The closing time must be later than the opening time.")}
            )
    if location.exceptions.filter(date=day).exists():
        raise ValidationError(
            {"date": _("There is already an exception on this day. Remove it first.")}
        )
    exception = OpeningException.objects.create(
        location=location,
        date=day,
        is_closed=is_closed,
        opens_at=opens_at,
        closes_at=closes_at,
        reason=reason.strip(),
    )
    journal_write(
        actor=actor,
        action="location.exception_add",
        subject=location,
        hub_id=location.hub_id,
        details={"date": day.isoformat(), "closed": is_closed},
    )
    return exception


@transaction.atomic
def opening_exception_remove(*, actor: User, exception: OpeningException) -> None:
    location = exception.location
    journal_write(
        actor=actor,
        action="location.exception_remove",
        subject=location,
        hub_id=location.hub_id,
        details={"date": exception.date.isoformat()},
    )
    exception.delete()


# --- Organisations and partners -------------------------------------------------------


@dataclass(frozen=True)
class OrganisationValues:
    name: str
    kind: str
    enterprise_number: str = ""
    street: str = ""
    postcode: str = ""
    municipality_nis: str | None = None
    website: str = ""


@transaction.atomic
def organisation_create(
    *, actor: User, values: OrganisationValues, hub_id: int | None = None
) -> Organisation:
    if not values.name.strip():
        raise ValidationError({"name": _("Enter the name of the organisation.")})
    if values.kind not in OrganisationKind.values:
        raise ValidationError({"kind": _("Choose what kind of organisation this is.")})
    number = ""
    if values.enterprise_number.strip():
        try:
            validate_enterprise_number(values.enterprise_number)
        except ValidationError as error:
            raise ValidationError({"enterprise_number": error.messages}) from error
        number = normalise_enterprise_number(values.enterprise_number)
        existing = Organisation.objects.filter(enterprise_number=number).first()
        if existing is not None:
            raise ValidationError(
                {
                    "enterprise_number": _(
                        "“%(name)s” already has this enterprise number in digibank. "
                        "Search for it and choose it instead."
                    )
                    % {"name": existing.name}
                }
            )
    municipality = None
    postcode = ""
    if values.postcode.strip():
        place = resolve_postcode(code=values.postcode, municipality_nis=values.municipality_nis)
        municipality, postcode = place.municipality, place.code
    organisation = Organisation.objects.create(
        name=values.name.strip(),
        kind=values.kind,
        enterprise_number=number,
        street=values.street.strip(),
        postcode=postcode,
        municipality=municipality,
        website=values.website.strip(),
    )
    journal_write(actor=actor, action="organisation.create", subject=organisation, hub_id=hub_id)
    return organisation


def _check_partner_type(partner_type: str) -> None:
    if partner_type not in PartnerType.values:
        raise ValidationError({"partner_type": _("Choose the partner type.")})


@transaction.atomic
def partner_add(
    *, actor: User, hub: Hub, organisation: Organisation, partner_type: str, role: str = ""
) -> HubPartner:
    _check_partner_type(partner_type)
    if HubPartner.objects.filter(hub=hub, organisation=organisation).exists():
        raise ValidationError(
            {
                "organisation": _("“%(name)s” is already a partner of this hub.")
                % {"name": organisation.name}
            }
        )
    try:
        with transaction.atomic():  # a concurrent request may have added it just now
            partner = HubPartner.objects.create(
                hub=hub, organisation=organisation, partner_type=partner_type, role=role.strip()
            )
    except IntegrityError as error:
        raise ValidationError(
            {
                "organisation": _("“%(name)s” is already a partner of this hub.")
                % {"name": organisation.name}
            }
        ) from error
    journal_write(
        actor=actor,
        action="partner.add",
        subject=partner,
        hub_id=hub.pk,
        details={"organisation_id": organisation.pk, "partner_type": partner_type},
    )
    return partner


@transaction.atomic
def partner_add_new_organisation(
    *, actor: User, hub: Hub, organisation: OrganisationValues, partner_type: str, role: str = ""
) -> HubPartner:
    """Create an organisation and make it a partner, both or neither."""
    _check_partner_type(partner_type)
    created = organisation_create(actor=actor, values=organisation, hub_id=hub.pk)
    return partner_add(
        actor=actor, hub=hub, organisation=created, partner_type=partner_type, role=role
    )


@transaction.atomic
def partner_update(
    *, actor: User, partner: HubPartner, partner_type: str, role: str = ""
) -> HubPartner:
    _check_partner_type(partner_type)
    changed = _changed(partner, {"partner_type": partner_type, "role": role.strip()})
    if changed:
        partner.save()
        journal_write(
            actor=actor,
            action="partner.update",
            subject=partner,
            hub_id=partner.hub_id,
            details={"fields": changed},
        )
    return partner


@transaction.atomic
def partner_remove(*, actor: User, partner: HubPartner) -> None:
    journal_write(
        actor=actor,
        action="partner.remove",
        subject=partner,
        hub_id=partner.hub_id,
        details={"organisation_id": partner.organisation_id},
    )
    partner.delete()


# --- Team -----------------------------------------------------------------------------


def _lock_team(membership: Membership) -> None:
    """Lock the hub's coordinator memberships and this one, always in the same order, so
    two changes to the team at once queue instead of deadlocking; then read the
    membership as it is now."""
    coordinators = Membership.objects.select_for_update(of=("self",)).filter(
        hub_id=membership.hub_id, role=HubRole.COORDINATOR
    )
    list(coordinators.order_by("pk").values_list("pk", flat=True))
    list(Membership.objects.select_for_update().filter(pk=membership.pk).values_list("pk"))
    membership.refresh_from_db(fields=["role", "is_active", "pending"])


def _other_active_coordinators(membership: Membership) -> bool:
    others = Membership.objects.filter(
        hub_id=membership.hub_id,
        role=HubRole.COORDINATOR,
        is_active=True,
        user__is_active=True,
    )
    return others.exclude(pk=membership.pk).exists()


def _keep_a_coordinator(membership: Membership) -> None:
    if (
        membership.is_active
        and membership.role == HubRole.COORDINATOR
        and not _other_active_coordinators(membership)
    ):
        raise ValidationError(
            _("A hub always needs an active coordinator. Make someone else coordinator first.")
        )


def _invitation_refused(user: User, hub: Hub, email: str) -> None:
    existing = Membership.objects.filter(user=user, hub=hub).first()
    if existing is None:
        return
    if existing.pending:
        message = _("%(email)s is invited already. Send the invitation again from the team page.")
    elif existing.is_active:
        message = _("%(email)s is already on the team.")
    else:
        message = _("%(email)s is on the team but switched off. Switch them on again instead.")
    raise ValidationError({"email": message % {"email": email}})


def _invitee(*, email: str, full_name: str, language: str) -> tuple[User, bool]:
    """The account to invite: the one with this address, or a new inactive one. An account
    whose address was never proven belongs to nobody yet and takes the typed name."""
    user = User.objects.filter(email__iexact=email).first()
    full_name = full_name.strip()
    if user is not None:
        if user.awaits_activation and full_name:
            user.full_name = full_name[:150]
            user.save(update_fields=["full_name"])
        return user, False
    if not full_name:
        raise ValidationError({"full_name": _("Enter the person's full name.")})
    user = User.objects.create_user(
        email=email, full_name=full_name, preferred_language=language, is_active=False
    )
    return user, True


def _send_invitation(membership: Membership, base_url: str) -> None:
    from .tasks import send_member_invitation

    membership_id = membership.pk
    transaction.on_commit(
        lambda: send_member_invitation.enqueue(membership_id=membership_id, base_url=base_url)
    )


@transaction.atomic
def member_invite(
    *,
    actor: User,
    hub: Hub,
    email: str,
    full_name: str,
    role: str,
    language: str,
    base_url: str,
) -> Membership:
    """Invite someone to the hub team: a pending membership, which grants nothing until
    the owner of the address accepts it through the e-mailed link (a new person chooses
    their password there). An existing account keeps its own name."""
    if role not in HubRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        _invitation_refused(user, hub, email)
    try:
        with transaction.atomic():  # a concurrent invitation may have won the race
            user, new_account = _invitee(email=email, full_name=full_name, language=language)
            membership = Membership.objects.create(
                user=user, hub=hub, role=role, is_active=False, pending=True
            )
    except IntegrityError as error:
        raise ValidationError(
            {"email": _("%(email)s is invited already.") % {"email": email}}
        ) from error
    journal_write(
        actor=actor,
        action="member.invite",
        subject=membership,
        hub_id=hub.pk,
        details={"role": role, "new_account": new_account},
    )
    _send_invitation(membership, base_url)
    return membership


@transaction.atomic
def member_add_at_own_request(*, actor: User, hub: Hub, user: User, role: str) -> Membership:
    """Put someone in a team who asked for it themselves, with an account whose address
    they proved (the author of an approved application becomes its hub's coordinator):
    active at once, no invitation to accept."""
    if role not in HubRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    if not user.is_active or user.activated_at is None:
        raise ValidationError(_("This account is not activated: invite the person instead."))
    _invitation_refused(user, hub, user.email)
    membership = Membership.objects.create(user=user, hub=hub, role=role)
    journal_write(
        actor=actor,
        action="member.add_requested",
        subject=membership,
        hub_id=hub.pk,
        details={"role": role},
    )
    return membership


def _pending(membership: Membership) -> None:
    if not membership.pending:
        raise ValidationError(_("This invitation was already accepted or withdrawn."))


@transaction.atomic
def member_invitation_resend(*, actor: User, membership: Membership, base_url: str) -> None:
    _lock_team(membership)
    _pending(membership)
    journal_write(
        actor=actor, action="member.invite_again", subject=membership, hub_id=membership.hub_id
    )
    _send_invitation(membership, base_url)


@transaction.atomic
def member_invitation_cancel(*, actor: User, membership: Membership) -> None:
    """Withdraw an invitation: its link stops working. The account stays (it may be in
    use elsewhere)."""
    _lock_team(membership)
    _pending(membership)
    journal_write(
        actor=actor,
        action="member.invite_cancel",
        subject=membership,
        hub_id=membership.hub_id,
        details={"email": membership.user.email, "role": membership.role},
    )
    membership.delete()


@transaction.atomic
def member_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    if role not in HubRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    _lock_team(membership)
    if role == membership.role:
        return membership
    if role != HubRole.COORDINATOR:
        _keep_a_coordinator(membership)
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    journal_write(
        actor=actor,
        action="member.role",
        subject=membership,
        hub_id=membership.hub_id,
        details={"from": previous, "to": role},
    )
    return membership


@transaction.atomic
def member_set_active(*, actor: User, membership: Membership, active: bool) -> Membership:
    _lock_team(membership)
    if membership.pending:
        raise ValidationError(
            _("This person has not accepted the invitation yet: only they can say yes.")
        )
    if membership.is_active == active:
        return membership
    if not active:
        _keep_a_coordinator(membership)
    membership.is_active = active
    membership.save(update_fields=["is_active", "updated_at"])
    journal_write(
        actor=actor,
        action="member.reactivate" if active else "member.deactivate",
        subject=membership,
        hub_id=membership.hub_id,
    )
    return membership


# --- Hub settings ---------------------------------------------------------------------


@transaction.atomic
def hub_update_settings(
    *,
    actor: User,
    hub: Hub,
    email: str,
    phone: str,
    required_participant_fields: Sequence[str],
    messages_from: time | None = None,
    messages_until: time | None = None,
    reminder_time: time | None = None,
) -> Hub:
    hours = {
        "messages_from": messages_from or hub.messages_from,
        "messages_until": messages_until or hub.messages_until,
        "reminder_time": reminder_time or hub.reminder_time,
    }
    if hours["messages_until"] <= hours["messages_from"]:
        raise ValidationError({"messages_until": _("The end must be later than the start.")})
    if not hours["messages_from"] <= hours["reminder_time"] < hours["messages_until"]:
        raise ValidationError(
            {"reminder_time": _("Choose a time within the hours messages may be sent.")}
        )
    unknown = set(required_participant_fields) - set(PARTICIPANT_OPTIONAL_FIELDS)
    if unknown:
        raise ValidationError({"required_participant_fields": _("Choose from the list.")})
    required = [name for name in PARTICIPANT_OPTIONAL_FIELDS if name in required_participant_fields]
    email = email.strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationError({"email": error.messages}) from error
    changed = _changed(
        hub,
        {
            "email": email,
            "phone": _check_phone(phone),
            "required_participant_fields": required,
            **hours,
        },
    )
    if changed:
        hub.save()
        journal_write(
            actor=actor,
            action="hub.settings",
            subject=hub,
            hub_id=hub.pk,
            details={"fields": changed},
        )
    return hub
