"""Report obligations and their standard schedule, the coordinator's draft and
submission (frozen figures), the officer's review with messages in each coordinator's
language, and the daily reminder (once per occasion)."""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from digibank.accounts.models import User
from digibank.accounts.roles import HubRole
from digibank.core.models import JournalEntry
from digibank.funding import tasks
from digibank.funding.models import Grant, Report, ReportKind, ReportStatus
from digibank.funding.queries.reports import live_figures, shown_frozen
from digibank.funding.services import reports as services
from digibank.network.models import Hub, Programme

from .factories import Activity, brussels, create_grant

pytestmark = pytest.mark.django_db


def _report(grant: Grant, officer: User, **changes: Any) -> Report:
    values: dict[str, Any] = {
        "kind": ReportKind.INTERIM,
        "period_start": date(2025, 1, 1),
        "period_end": date(2025, 12, 31),
        "due_on": date(2026, 1, 31),
        **changes,
    }
    return services.report_add(actor=officer, grant=grant, **values)


def _submit(report: Report, user: User) -> Report:
    return services.report_submit(
        actor=user, report=report, narrative="Veel mensen geholpen.", next_steps="Meer digipunten."
    )


# --- obligations ------------------------------------------------------------------------


def test_an_officer_adds_a_report_and_it_is_journaled(grant: Grant, officer: User) -> None:
    report = _report(grant, officer)
    assert report.status == ReportStatus.DUE
    entry = JournalEntry.objects.get(action="funding.report_add")
    assert entry.hub_id == grant.hub_id
    assert entry.subject_id == str(report.pk)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"period_start": date(2024, 12, 31)}, "period_start"),
        ({"period_end": date(2027, 1, 1), "due_on": date(2027, 2, 1)}, "period_start"),
        ({"period_end": date(2024, 12, 1)}, "period_end"),
        ({"due_on": date(2025, 12, 30)}, "due_on"),
    ],
)
def test_obligations_are_checked(grant: Grant, officer: User, changes: dict, field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        _report(grant, officer, **changes)
    assert field in raised.value.message_dict
    assert not Report.objects.exists()


def test_the_standard_schedule_of_a_two_year_grant(grant: Grant, officer: User) -> None:
    created = services.reports_schedule(actor=officer, grant=grant)
    assert [(r.kind, r.period_start, r.period_end, r.due_on) for r in created] == [
        (ReportKind.INTERIM, date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 31)),
        (ReportKind.FINAL, date(2025, 1, 1), date(2026, 12, 31), date(2027, 2, 28)),
    ]
    assert services.reports_schedule(actor=officer, grant=grant) == []
    assert Report.objects.count() == 2


def test_the_standard_schedule_of_a_longer_grant(
    programme: Programme, hub: Hub, officer: User
) -> None:
    grant = create_grant(
        programme=programme,
        hub=hub,
        created_by=officer,
        starts_on=date(2025, 3, 15),
        ends_on=date(2027, 9, 30),
    )
    plan = services.standard_schedule(grant)
    assert [(kind, start, end) for kind, start, end, _due in plan] == [
        (ReportKind.INTERIM, date(2025, 3, 15), date(2026, 3, 14)),
        (ReportKind.INTERIM, date(2026, 3, 15), date(2027, 3, 14)),
        (ReportKind.FINAL, date(2025, 3, 15), date(2027, 9, 30)),
    ]
    assert plan[-1][3] == date(2027, 11, 30)


def test_change_and_remove_only_before_submission(
    grant: Grant, officer: User, coordinator: User
) -> None:
    report = _report(grant, officer)
    services.report_change(
        actor=officer,
        report=report,
        kind=ReportKind.INTERIM,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
        due_on=date(2025, 7, 31),
    )
    report.refresh_from_db()
    assert report.period_end == date(2025, 6, 30)
    _submit(report, coordinator)
    with pytest.raises(ValidationError):
        services.report_remove(actor=officer, report=report)
    with pytest.raises(ValidationError):
        services.report_change(
            actor=officer,
            report=report,
            kind=ReportKind.FINAL,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 6, 30),
            due_on=date(2025, 7, 31),
        )
    assert Report.objects.filter(pk=report.pk, kind=ReportKind.INTERIM).exists()
    other = _report(grant, officer)
    services.report_remove(actor=officer, report=other)
    assert not Report.objects.filter(pk=other.pk).exists()
    assert JournalEntry.objects.filter(action="funding.report_remove").count() == 1


# --- writing and submitting ----------------------------------------------------------------


def test_submission_freezes_the_figures_with_the_moment(
    grant: Grant, officer: User, coordinator: User, staff: User
) -> None:
    activity = Activity(grant.hub, staff)  # type: ignore[arg-type]
    jan = activity.person("Jan", "senior")
    activity.help_on(jan, brussels(2025, 3, 3), "itsme")
    report = _report(grant, officer)
    services.report_save_draft(actor=coordinator, report=report, narrative="Half", next_steps="")
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE
    assert report.narrative == "Half"
    before = timezone.now()
    _submit(report, coordinator)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by == coordinator
    frozen = {row["key"]: row for row in report.figures["figures"]}
    assert frozen["funding.users_reached"]["value"] == 1
    assert [line[:2] for line in frozen["helpdesk.questions"]["breakdown"]] == [["itsme", 1]]
    assert [line[:2] for line in frozen["funding.target_groups"]["breakdown"]] == [["Senior", 1]]
    assert report.figures["computed_at"] >= before.isoformat()[:19]
    # Later activity does not change the frozen figures.
    activity.help_on(activity.person("Piet"), brussels(2025, 3, 9), "itsme")
    report.refresh_from_db()
    assert {row["key"]: row for row in report.figures["figures"]}["funding.users_reached"][
        "value"
    ] == 1
    with pytest.raises(ValidationError):
        services.report_save_draft(actor=coordinator, report=report, narrative="x", next_steps="")
    assert JournalEntry.objects.filter(action="funding.report_submit").count() == 1


def test_submission_needs_the_story(grant: Grant, officer: User, coordinator: User) -> None:
    report = _report(grant, officer)
    with pytest.raises(ValidationError) as raised:
        services.report_submit(actor=coordinator, report=report, narrative=" ", next_steps="")
    assert set(raised.value.message_dict) == {"narrative", "next_steps"}
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE
    assert report.figures == {}


# --- review -----------------------------------------------------------------------------------


@pytest.fixture
def french_coordinator(make_user: Any, hub: Hub) -> User:
    return make_user(HubRole.COORDINATOR, hub, email="fr@example.org", preferred_language="fr")


def test_asking_for_changes_needs_a_comment_and_reopens_the_report(
    grant: Grant,
    officer: User,
    coordinator: User,
    staff: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    report = _submit(_report(grant, officer), coordinator)
    with pytest.raises(ValidationError):
        services.report_request_changes(actor=officer, report=report, comment="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_request_changes(actor=officer, report=report, comment="Meer cijfers.")
    report.refresh_from_db()
    assert report.status == ReportStatus.CHANGES_REQUESTED
    assert report.officer_comment == "Meer cijfers."
    assert report.reviewed_by == officer
    # Editable again; resubmission counts the figures anew.
    activity = Activity(grant.hub, staff)  # type: ignore[arg-type]
    activity.lend(activity.person("Nieuw"), brussels(2025, 6, 1))
    _submit(report, coordinator)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    values = {row["key"]: row["value"] for row in report.figures["figures"]}
    assert values["lending.loans"] == 1
    assert values["funding.users_reached"] == 1
    assert JournalEntry.objects.get(action="funding.report_submit", details__resubmitted=True)


def test_review_only_of_a_submitted_report(grant: Grant, officer: User) -> None:
    report = _report(grant, officer)
    with pytest.raises(ValidationError):
        services.report_approve(actor=officer, report=report)


def test_coordinators_are_told_in_their_language(
    grant: Grant,
    officer: User,
    coordinator: User,
    french_coordinator: User,
    staff: User,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.utils import translation

    from digibank.core import messaging

    languages: dict[str, str | None] = {}

    def send_once(**kwargs: Any) -> bool:
        languages[kwargs["email"]] = translation.get_language()
        return messaging.send_once(**kwargs)

    monkeypatch.setattr(tasks, "send_once", send_once)
    report = _submit(_report(grant, officer), coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_approve(actor=officer, report=report, comment="Mooi werk")
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {coordinator.email, french_coordinator.email}  # not staff
    # Dutch is a user's default language.
    assert languages == {coordinator.email: "nl", french_coordinator.email: "fr"}
    with translation.override("fr"):
        expected_fr = translation.gettext("Report approved: %(kind)s of %(hub)s") % {
            "kind": str(ReportKind.INTERIM.label),
            "hub": grant.hub.name,  # type: ignore[union-attr]
        }
    assert by_address[french_coordinator.email].subject == expected_fr
    body = str(by_address[coordinator.email].body)
    assert grant.hub is not None
    assert f"/h/{grant.hub.slug}/grant/reports/{report.pk}/" in body
    assert "Mooi werk" in body
    mail.outbox.clear()
    tasks.notify_report_reviewed.call(report.pk)  # a second run sends nothing
    assert mail.outbox == []


# --- the daily reminder -------------------------------------------------------------------------


def test_reminders_once_per_occasion(
    grant: Grant, officer: User, coordinator: User, staff: User
) -> None:
    today = timezone.localdate()
    soon = Report.objects.create(
        grant=grant,
        kind=ReportKind.INTERIM,
        period_start=grant.starts_on,
        period_end=grant.starts_on + timedelta(days=30),
        due_on=today + timedelta(days=14),
    )
    late = Report.objects.create(
        grant=grant,
        kind=ReportKind.FINAL,
        period_start=grant.starts_on,
        period_end=grant.starts_on + timedelta(days=60),
        due_on=today - timedelta(days=1),
    )
    Report.objects.create(  # not yet: more than 14 days away
        grant=grant,
        kind=ReportKind.INTERIM,
        period_start=grant.starts_on,
        period_end=grant.starts_on + timedelta(days=90),
        due_on=today + timedelta(days=15),
    )
    Report.objects.create(  # submitted: nothing to remind
        grant=grant,
        kind=ReportKind.INTERIM,
        period_start=grant.starts_on,
        period_end=grant.starts_on + timedelta(days=20),
        due_on=today,
        status=ReportStatus.SUBMITTED,
    )
    mail.outbox.clear()
    assert tasks.remind_reports_due.call() == 2
    assert {message.to[0] for message in mail.outbox} == {coordinator.email}
    bodies = " ".join(str(message.body) for message in mail.outbox)
    assert f"/grant/reports/{soon.pk}/" in bodies
    assert f"/grant/reports/{late.pk}/" in bodies
    assert tasks.remind_reports_due.call() == 0  # idempotent
    # When the due-soon report becomes overdue, that is a new occasion.
    Report.objects.filter(pk=soon.pk).update(due_on=today - timedelta(days=2))
    assert tasks.remind_reports_due.call() == 1


def test_the_reminder_is_a_daily_task() -> None:
    from digibank.core.schedule import DAILY_TASKS

    assert tasks.remind_reports_due in DAILY_TASKS


def test_frozen_figures_read_in_the_readers_language(
    grant: Grant, officer: User, coordinator: User, staff: User
) -> None:
    """Submitted by someone reading English, the figures read in Dutch and French:
    labels are kept per language and chosen when shown."""
    activity = Activity(grant.hub, staff)  # type: ignore[arg-type]
    activity.help_on(activity.person("Jan", "senior"), brussels(2025, 3, 3), "itsme", "taxes")
    report = _report(grant, officer)
    with translation.override("en"):
        _submit(report, coordinator)
    report.refresh_from_db()
    frozen = {row["key"]: row for row in report.figures["figures"]}
    assert frozen["helpdesk.questions"]["label"] == "Help questions"  # as written

    for language in ("nl", "fr", "en"):
        with translation.override(language):
            expected = {
                figure.key: figure
                for figure in live_figures(grant.hub_id or 0, date(2025, 1, 1), date(2025, 12, 31))
            }
            shown = {figure.key: figure for figure in shown_frozen(report.figures)}
        for key, figure in expected.items():
            assert shown[key].label == str(figure.label), (language, key)
            assert shown[key].breakdown == [
                (str(label), value) for label, value in figure.breakdown
            ]
    with translation.override("nl"):
        assert shown_frozen(report.figures)[0].label != frozen["funding.users_reached"]["label"]


def test_a_snapshot_without_labels_shows_the_label_as_written() -> None:
    old = {
        "figures": [{"key": "x", "label": "Hulpvragen", "value": 3, "breakdown": [["itsme", 3]]}]
    }
    with translation.override("fr"):
        (figure,) = shown_frozen(old)
    assert (figure.label, figure.breakdown) == ("Hulpvragen", [("itsme", 3)])


def test_the_migration_gives_old_snapshots_their_labels_in_every_language(
    grant: Grant, officer: User, coordinator: User, staff: User
) -> None:
    """Reports submitted before labels were kept per language (only `label`, in the
    submitter's language) get them from the figures' keys."""
    migration = importlib.import_module(
        "digibank.funding.migrations.0006_report_figure_labels_in_every_language"
    )
    activity = Activity(grant.hub, staff)  # type: ignore[arg-type]
    activity.help_on(activity.person("Jan", "senior"), brussels(2025, 3, 3), "itsme")
    report = _submit(_report(grant, officer), coordinator)
    for row in report.figures["figures"]:  # as it was stored before
        row.pop("labels")
        row["breakdown"] = [line[:2] for line in row["breakdown"]]
    Report.objects.filter(pk=report.pk).update(figures=report.figures)

    migration.add_labels(django_apps, None)

    report.refresh_from_db()
    with translation.override("nl"):
        shown = {figure.key: figure for figure in shown_frozen(report.figures)}
    assert shown["helpdesk.questions"].label == "Hulpvragen"
    with translation.override("fr"):
        assert shown_frozen(report.figures)[0].label.startswith("Personnes")
