"""Applications that build on what exists: an extension or follow-on for a digibank that
runs (the applicant picks one of its organisation's hubs), and an implementation
application that carries on an approved preparation (voortraject) with its partnership.

A call says whom it is for (Call.audience): new partnerships, existing digibanken, or
both. Approval of an application for an existing hub adds a grant to that hub and never
creates a second one (services.reviews.application_approve)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from digibank.network.models import Hub, Organisation

from ..models import (
    Application,
    ApplicationPartner,
    ApplicationStatus,
    CallAudience,
    CallKind,
    Round,
)


def hubs_to_extend(organisations: QuerySet[Organisation], round_: Round) -> QuerySet[Hub]:
    """The hubs an applicant may apply for: those its organisations lead, in the call's
    programme."""
    return Hub.objects.filter(
        lead_organisation__in=organisations, programme_id=round_.call.programme_id
    ).order_by("name", "pk")


def preparations_to_follow(organisations: QuerySet[Organisation]) -> QuerySet[Application]:
    """Approved preparation (voortraject) applications of these organisations."""
    return Application.objects.filter(
        lead_organisation__in=organisations,
        status=ApplicationStatus.APPROVED,
        round__call__kind=CallKind.PREPARATION,
    ).order_by("-created_at", "pk")


def check_target(
    *,
    round_: Round,
    lead_organisation: Organisation,
    existing_hub: Hub | None,
    follows: Application | None,
) -> None:
    """Is this a fitting start for the call: an existing hub only where the call is for
    existing digibanken, and then one that the lead organisation leads; a preparation to
    follow only for an implementation call, approved, of the same lead."""
    call = round_.call
    if existing_hub is None and call.audience == CallAudience.EXISTING:
        raise ValidationError(
            {"existing_hub": _("This call is for digibanken that exist: choose your digibank.")}
        )
    if existing_hub is not None:
        if call.audience == CallAudience.NEW:
            raise ValidationError(
                {
                    "existing_hub": _(
                        "This call is for new partnerships, not for a digibank that exists."
                    )
                }
            )
        if (
            existing_hub.lead_organisation_id != lead_organisation.pk
            or existing_hub.programme_id != call.programme_id
        ):
            raise ValidationError(
                {
                    "existing_hub": _(
                        "Choose a digibank that your organisation leads in this programme."
                    )
                }
            )
    if follows is not None:
        if existing_hub is not None:
            raise ValidationError(
                {
                    "follows": _(
                        "An application is either for an existing digibank or follows a preparation, not both."
                    )
                }
            )
        if call.kind != CallKind.IMPLEMENTATION:
            raise ValidationError(
                {"follows": _("Only an implementation application follows a preparation.")}
            )
        if (
            follows.status != ApplicationStatus.APPROVED
            or follows.round.call.kind != CallKind.PREPARATION
            or follows.lead_organisation_id != lead_organisation.pk
        ):
            raise ValidationError(
                {"follows": _("Choose an approved preparation of the same lead organisation.")}
            )


def carry_over(application: Application) -> None:
    """Start the new draft from what exists: the preparation's partnership (partners and
    their roles, service area, goals, summary) or the hub's service area. Commitment
    letters are asked anew: they commit to this project, not the one before."""
    follows, hub = application.follows, application.existing_hub
    if follows is not None:
        ApplicationPartner.objects.bulk_create(
            ApplicationPartner(
                application=application,
                organisation_id=partner.organisation_id,
                partner_type=partner.partner_type,
                role=partner.role,
            )
            for partner in follows.partners.all()
        )
        application.service_area.set(list(follows.service_area.all()))
        application.goals = list(follows.goals)
        application.summary = follows.summary
        application.save(update_fields=["goals", "summary", "updated_at"])
    elif hub is not None:
        application.service_area.set(list(hub.service_area.all()))
