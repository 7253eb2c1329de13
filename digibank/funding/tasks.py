"""Background work of funding, run by the task worker and enqueued on commit:
telling applicants about a decision, telling coordinators about the review of their
report, the daily reminder of reports due, and the daily count of each grant's reach. Each message is sent once per occasion
and person (core.messaging.send_once keys), in the person's own language, however
often a task runs."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.tasks import task
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from digibank.accounts.models import Membership, User
from digibank.accounts.roles import HubRole
from digibank.core.messaging import MessageKind, send_once
from digibank.network.templatetags.network import euros

from .models import Determination, Outcome, Report, ReportStatus
from .queries import reports as report_queries
from .queries.grants import amendment_lines
from .services import grants as grant_services

MESSAGE_LANGUAGES = ("nl", "fr", "en")


def decision_recipients(determination: Determination) -> list[User]:
    """Who hears about a decision: the person who wrote the application and the
    confirmed applicants of the lead organisation, each once."""
    application = determination.application
    people = {application.created_by.pk: application.created_by}
    confirmed = User.objects.filter(
        applicant_roles__organisation_id=application.lead_organisation_id,
        applicant_roles__is_confirmed=True,
        is_active=True,
    ).order_by("pk")
    for user in confirmed:
        people.setdefault(user.pk, user)
    return [person for person in people.values() if person.email]


def _message(determination: Determination) -> tuple[str, str]:
    application = determination.application
    values = {
        "title": application.title,
        "call": application.round.call.title,
        "amount": euros(determination.amount_cents),
        "reasons": determination.reasons,
    }
    if determination.outcome == Outcome.APPROVED:
        subject = _("Your application is approved")
        text = _(
            "Hello. Your application “%(title)s” for “%(call)s” is approved. "
            "The amount awarded is %(amount)s. Sign in to see the next steps."
        )
        if determination.reasons:
            text += "\n\n" + _("Note from the programme: %(reasons)s")
    elif determination.outcome == Outcome.REJECTED:
        subject = _("Decision on your application")
        text = _(
            "Hello. Your application “%(title)s” for “%(call)s” is not approved. "
            "The reasons:\n\n%(reasons)s"
        )
    else:
        subject = _("More information needed for your application")
        text = _(
            "Hello. The programme needs more information about your application "
            "“%(title)s” for “%(call)s”:\n\n%(reasons)s\n\n"
            "Sign in to add it and send the application again."
        )
    return str(subject), str(text) % values


@task
def notify_determination(determination_id: int) -> int:
    """E-mail each recipient once about this decision, in their language."""
    determination = (
        Determination.objects.select_related("application__created_by", "application__round__call")
        .filter(pk=determination_id)
        .first()
    )
    if determination is None:
        return 0
    sent = 0
    for person in decision_recipients(determination):
        with translation.override(_language(person)):
            subject, text = _message(determination)
        sent += send_once(
            key=f"funding-determination:{determination.pk}:{person.pk}",
            subject=subject,
            text=text,
            kind=MessageKind.SERVICE,
            email=person.email,
        )
    return sent


# --- reports ------------------------------------------------------------------------------


def _coordinators(hub_id: int) -> list[Membership]:
    return list(
        Membership.objects.filter(hub_id=hub_id, role=HubRole.COORDINATOR, is_active=True)
        .select_related("user")
        .order_by("id")
    )


def _language(user: Any) -> str:
    language = getattr(user, "preferred_language", "") or "nl"
    return language if language in MESSAGE_LANGUAGES else "nl"


def _report_path(report: Report) -> str:
    assert report.grant.hub is not None
    return reverse(
        "funding_reports:hub_report", kwargs={"hub": report.grant.hub.slug, "pk": report.pk}
    )


def _date(day: date) -> str:
    return str(formats.date_format(day, "DATE_FORMAT"))


@task
def notify_report_reviewed(report_id: int) -> int:
    """Tell the hub's coordinators, each in their language, that the officer approved
    their report or asked for changes. Once per review."""
    report = (
        Report.objects.select_related("grant__hub", "grant__application")
        .filter(pk=report_id, status__in=[ReportStatus.APPROVED, ReportStatus.CHANGES_REQUESTED])
        .first()
    )
    if report is None or report.grant.hub is None or report.reviewed_at is None:
        return 0
    sent = 0
    for membership in _coordinators(report.grant.hub_id):  # type: ignore[arg-type]
        user = membership.user
        with translation.override(_language(user)):
            values = {
                "kind": report.get_kind_display(),
                "hub": report.grant.hub.name,
                "start": _date(report.period_start),
                "end": _date(report.period_end),
                "path": _report_path(report),
                "comment": report.officer_comment,
            }
            if report.status == ReportStatus.APPROVED:
                subject = _("Report approved: %(kind)s of %(hub)s") % values
                text = (
                    _(
                        "The programme approved the %(kind)s of %(hub)s (%(start)s to %(end)s). "
                        "See it here: %(path)s"
                    )
                    % values
                )
            else:
                subject = _("Changes asked: %(kind)s of %(hub)s") % values
                text = (
                    _(
                        "The programme asks you to change the %(kind)s of %(hub)s "
                        "(%(start)s to %(end)s):\n\n%(comment)s\n\nChange and submit it again "
                        "here: %(path)s"
                    )
                    % values
                )
            if report.status == ReportStatus.APPROVED and report.officer_comment:
                text += "\n\n" + report.officer_comment
            sent += send_once(
                key=f"funding-report:{report.pk}:{report.status}:{report.reviewed_at.isoformat()}:{user.pk}",
                subject=str(subject),
                text=str(text),
                kind=MessageKind.SERVICE,
                email=user.email,
            )
    return sent


@task
def remind_reports_due() -> int:
    """Daily: remind the coordinators of reports due within REMINDER_DAYS days, and of
    overdue ones. Once per report, occasion (due soon, overdue), due date and person."""
    today = timezone.localdate()
    reports = list(report_queries.reports_to_remind(today)[:5000])
    hub_ids = {report.grant.hub_id for report in reports if report.grant.hub_id is not None}
    coordinators: dict[int, list[Membership]] = {}
    for membership in Membership.objects.filter(
        hub_id__in=hub_ids, role=HubRole.COORDINATOR, is_active=True
    ).select_related("user"):
        coordinators.setdefault(membership.hub_id, []).append(membership)
    sent = 0
    for report in reports:
        occasion = "overdue" if report.due_on < today else "due-soon"
        for membership in coordinators.get(report.grant.hub_id or 0, []):
            user = membership.user
            with translation.override(_language(user)):
                values = {
                    "kind": report.get_kind_display(),
                    "hub": report.grant.hub.name if report.grant.hub else "",
                    "date": _date(report.due_on),
                    "path": _report_path(report),
                }
                if occasion == "overdue":
                    subject = _("Report overdue: %(kind)s of %(hub)s") % values
                    text = (
                        _(
                            "The %(kind)s of %(hub)s was due on %(date)s. Please write and "
                            "submit it: %(path)s"
                        )
                        % values
                    )
                else:
                    subject = _("Report due soon: %(kind)s of %(hub)s") % values
                    text = (
                        _(
                            "The %(kind)s of %(hub)s is due on %(date)s. The figures are "
                            "filled in for you; add your story and submit it: %(path)s"
                        )
                        % values
                    )
                sent += send_once(
                    key=f"funding-report-reminder:{report.pk}:{occasion}:{report.due_on}:{user.pk}",
                    subject=str(subject),
                    text=str(text),
                    kind=MessageKind.SERVICE,
                    email=user.email,
                )
    return sent


# --- reach ---------------------------------------------------------------------------------


@task
def count_grants_reach() -> int:
    """Daily: count the users reached of every grant whose count can still change, so
    the programme dashboard and its exports list grants without counting each."""
    today = timezone.localdate()
    counted = 0
    for grant in grant_services.grants_to_count(today).order_by("pk").iterator():
        grant_services.grant_count_reach(grant=grant)
        counted += 1
    return counted


# --- amendments and review assignments --------------------------------------------------------


@task
def notify_grant_amended(amendment_id: int) -> int:
    """Tell the hub's coordinators, each in their language, what an amendment changed
    and why. Once per amendment and person."""
    from .models import GrantAmendment

    amendment = (
        GrantAmendment.objects.select_related("grant__hub", "grant__application")
        .filter(pk=amendment_id)
        .first()
    )
    if amendment is None or amendment.grant.hub is None:
        return 0
    hub = amendment.grant.hub
    sent = 0
    for membership in _coordinators(hub.pk):
        user = membership.user
        with translation.override(_language(user)):
            values = {
                "title": amendment.grant.application.title,
                "version": amendment.version,
                "reason": amendment.reason,
                "changes": "\n".join(f"- {line}" for line in amendment_lines(amendment.changes)),
                "path": reverse("funding_grants:hub_grant", kwargs={"hub": hub.slug}),
            }
            subject = _("Your grant is amended: %(title)s") % values
            text = (
                _(
                    "The programme amended the grant “%(title)s” (version %(version)s).\n\n"
                    "%(changes)s\n\nWhy: %(reason)s\n\nSee the grant here: %(path)s"
                )
                % values
            )
        sent += send_once(
            key=f"funding-amendment:{amendment.pk}:{user.pk}",
            subject=str(subject),
            text=str(text),
            kind=MessageKind.SERVICE,
            email=user.email,
        )
    return sent


@task
def notify_review_assigned(assignment_id: int) -> int:
    """Tell a reviewer, in their language, that an application was assigned to them and
    when the review is due. Once per assignment."""
    from .models import ReviewAssignment

    assignment = (
        ReviewAssignment.objects.select_related("reviewer", "application__round__call__programme")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None or not assignment.reviewer.email:
        return 0
    reviewer = assignment.reviewer
    with translation.override(_language(reviewer)):
        values = {
            "title": assignment.application.title,
            "call": assignment.application.round.call.title,
            "due": _date(assignment.due_on) if assignment.due_on else "",
            "path": reverse("funding_reviews:assignment", kwargs={"pk": assignment.pk}),
        }
        subject = _("A review for you: %(title)s") % values
        if assignment.due_on:
            text = _(
                "You are asked to review the application “%(title)s” for “%(call)s”. "
                "Please finish your review by %(due)s. First say whether you have a "
                "conflict of interest: %(path)s"
            )
        else:
            text = _(
                "You are asked to review the application “%(title)s” for “%(call)s”. "
                "First say whether you have a conflict of interest: %(path)s"
            )
        text = text % values
    return send_once(
        key=f"funding-review-assigned:{assignment.pk}",
        subject=str(subject),
        text=str(text),
        kind=MessageKind.SERVICE,
        email=reviewer.email,
    )
