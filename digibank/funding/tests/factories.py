"""Builders shared by the funding tests (and the funding browser tests): organisations,
calls, rounds, applications and grants with sensible defaults, the services-made
variants the calls tests need, and the activity by which a hub reaches people.

Plain functions with keyword arguments; the pytest fixtures built on them are in
conftest.py next to this module."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from digibank.accounts.models import User
from digibank.devices.services import device_register
from digibank.funding.models import (
    Application,
    ApplicationStatus,
    Call,
    CallKind,
    ConflictStatus,
    Grant,
    ReviewAssignment,
    Round,
)
from digibank.funding.services import applications as application_services
from digibank.funding.services import calls as call_services
from digibank.helpdesk import rollups
from digibank.helpdesk.models import HelpQuestion, HelpTopic
from digibank.learning.models import (
    Attendance,
    Course,
    Enrolment,
    EnrolmentStatus,
    Meeting,
    Session,
)
from digibank.lending.models import Loan, LoanKind
from digibank.network.models import (
    Hub,
    Location,
    LocationKind,
    Municipality,
    Organisation,
    OrganisationKind,
    Programme,
)
from digibank.people.models import Participant, ParticipantTargetGroup

BRUSSELS = ZoneInfo("Europe/Brussels")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

_numbers = count(1)

MakeCall = Callable[..., Call]
MakeDraft = Callable[..., Application]
MakeApplication = Callable[..., Application]


# --- small things ---------------------------------------------------------------------------


def brussels(
    year: int, month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0
) -> datetime:
    """A moment on the clock in Brussels (noon unless told)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=BRUSSELS)


def enterprise_number(eight_digits: int) -> str:
    """A valid enterprise number from its first eight digits (the check is 97 - n % 97)."""
    return f"{eight_digits:08d}{97 - eight_digits % 97:02d}"


def pdf(name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def mechelen() -> Municipality:
    return Municipality.objects.get(postcodes__code="2800", postcodes__place_name="Mechelen")


def sign_in(user: User, *, language: str = "en") -> Client:
    """A test client signed in as the user, reading the site in the given language."""
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def figure(figures: list[Any], key: str) -> Any:
    return next(item for item in figures if item.key == key)


# --- rows made directly -------------------------------------------------------------------


def create_organisation(
    *, name: str | None = None, kind: str = OrganisationKind.LOCAL_GOVERNMENT, **fields: Any
) -> Organisation:
    return Organisation.objects.create(
        name=name or f"Organisation {next(_numbers)}", kind=kind, **fields
    )


def create_call(
    *,
    programme: Programme,
    created_by: Any,
    title: str | None = None,
    slug: str | None = None,
    kind: str = CallKind.IMPLEMENTATION,
    max_amount_cents: int | None = None,
    is_published: bool = True,
    **fields: Any,
) -> Call:
    """A call; the highest amount defaults to what the services give its kind."""
    number = next(_numbers)
    if max_amount_cents is None:
        max_amount_cents = 15_000_00 if kind == CallKind.PREPARATION else 500_000_00
    return Call.objects.create(
        programme=programme,
        title=title or f"Call {number}",
        slug=slug or f"call-{number}",
        kind=kind,
        max_amount_cents=max_amount_cents,
        is_published=is_published,
        created_by=created_by,
        **fields,
    )


def create_round(
    call: Call,
    *,
    name: str = "Round 1",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    budget_cents: int = 100_000_00,
) -> Round:
    """A round, open from yesterday for 30 days unless told."""
    now = timezone.now()
    return Round.objects.create(
        call=call,
        name=name,
        opens_at=opens_at or now - timedelta(days=1),
        closes_at=closes_at or now + timedelta(days=30),
        budget_cents=budget_cents,
    )


_SUBMITTED_NOW: Any = object()


def create_application(
    round_: Round,
    *,
    created_by: Any,
    lead_organisation: Organisation | None = None,
    title: str | None = None,
    status: str = ApplicationStatus.SUBMITTED,
    submitted_at: datetime | None = _SUBMITTED_NOW,
    **fields: Any,
) -> Application:
    """An application; unless told, submitted now when it is no longer a draft."""
    if submitted_at is _SUBMITTED_NOW:
        submitted_at = None if status == ApplicationStatus.DRAFT else timezone.now()
    return Application.objects.create(
        round=round_,
        lead_organisation=lead_organisation or create_organisation(name="OCMW Aalst"),
        created_by=created_by,
        title=title or f"Digibank project {next(_numbers)}",
        status=status,
        submitted_at=submitted_at,
        **fields,
    )


def create_grant(
    *,
    programme: Programme,
    hub: Hub | None,
    created_by: Any,
    amount_cents: int = 500_000_00,
    starts_on: date = date(2025, 1, 1),
    ends_on: date = date(2026, 12, 31),
    iban: str = "",
    account_holder: str = "",
    title: str | None = None,
) -> Grant:
    """A grant with the approved application, round (autumn 2024) and call it came from."""
    number = next(_numbers)
    call = create_call(programme=programme, created_by=created_by, is_published=False)
    round_ = create_round(
        call,
        name="Ronde 1",
        opens_at=brussels(2024, 9, 1),
        closes_at=brussels(2024, 10, 1),
        budget_cents=2_000_000_00,
    )
    application = create_application(
        round_,
        created_by=created_by,
        lead_organisation=create_organisation(
            name=f"Vzw Digitaal Samen {number}", kind=OrganisationKind.CIVIL_SOCIETY
        ),
        title=title or f"Digibank project {number}",
        status=ApplicationStatus.APPROVED,
        submitted_at=None,
        starts_on=starts_on,
        ends_on=ends_on,
        awarded_cents=amount_cents,
    )
    return Grant.objects.create(
        application=application,
        programme=programme,
        hub=hub,
        amount_cents=amount_cents,
        starts_on=starts_on,
        ends_on=ends_on,
        iban=iban,
        account_holder=account_holder,
        # An account given here counts as confirmed by an officer.
        iban_confirmed_at=timezone.now() if iban else None,
    )


def cleared(application: Application, reviewer: User, by: User) -> ReviewAssignment:
    """An assignment whose reviewer declared no conflict."""
    return ReviewAssignment.objects.create(
        application=application,
        reviewer=reviewer,
        assigned_by=by,
        conflict=ConflictStatus.NONE,
        declared_at=timezone.now(),
    )


# --- rows made through the services (the calls tests test those services) -----------------


def call_via_services(actor: Any, programme: Programme, **data: Any) -> Call:
    """An unpublished call made by `call_create` (its defaults and journal entry)."""
    data.setdefault("title", "Digibanken 2026")
    data.setdefault("kind", "implementation")
    return call_services.call_create(actor=actor, programme=programme, data=data)


def round_via_services(
    actor: Any,
    call: Call,
    *,
    name: str = "Ronde 1",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    budget_cents: int = 1_000_000_00,
) -> Round:
    """A round made by `round_create`, open from yesterday for 10 days unless told."""
    now = timezone.now()
    return call_services.round_create(
        actor=actor,
        call=call,
        data={
            "name": name,
            "opens_at": opens_at or now - timedelta(days=1),
            "closes_at": closes_at or now + timedelta(days=10),
            "budget_cents": budget_cents,
        },
    )


def ready_call(actor: Any, programme: Programme, **data: Any) -> Call:
    """A call with an open round and a criterion, published, all through the services."""
    call = call_via_services(actor, programme, **data)
    round_via_services(actor, call)
    call_services.criterion_create(actor=actor, call=call, data={"name": "Reach", "weight": 2})
    return call_services.call_publish(actor=actor, call=call)


def complete(application: Application, actor: User) -> Application:
    """Fill every section so that a call with default rules accepts it."""
    services = application_services
    services.application_update_general(
        actor=actor,
        application=application,
        title=application.title,
        summary="Laptops, lessen en hulp aan de balie.",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 31),
    )
    services.application_update_goals(
        actor=actor, application=application, goals=["lending", "training", "guidance"]
    )
    services.service_area_add(actor=actor, application=application, municipality=mechelen())
    services.budget_line_add(
        actor=actor,
        application=application,
        category="personnel",
        description="Coördinator",
        amount_cents=10_000_00,
    )
    application.refresh_from_db()
    return application


# --- how a hub reaches people -----------------------------------------------------------------


class Activity:
    """Places the ways of reaching someone at a hub (help, attendance, loans) at exact
    times, with what the report figures look at (topics, lengths, kinds, target groups)."""

    def __init__(self, hub: Hub, staff: Any) -> None:
        self.hub = hub
        self.staff = staff
        self._location: Location | None = None

    def person(self, name: str = "Jan", *groups: str) -> Participant:
        participant = Participant.objects.create(
            hub=self.hub, given_name=name, family_name="Peeters"
        )
        for group in groups:
            ParticipantTargetGroup.objects.create(participant=participant, group=group)
        return participant

    @property
    def location(self) -> Location:
        if self._location is None:
            self._location = Location.objects.create(
                hub=self.hub,
                name="Digipunt",
                kind=LocationKind.DIGIPUNT,
                postcode="9000",
                municipality=Municipality.objects.get(nis_code="44021"),
            )
        return self._location

    def help(self, participant: Participant | None, at: datetime, **anonymous: Any) -> None:
        """A help question; for no participant, `anonymous` holds age band and gender."""
        self.help_on(participant, at, **anonymous)

    def help_on(
        self, participant: Participant | None, at: datetime, *codes: str, **anonymous: Any
    ) -> HelpQuestion:
        """A help question on the topics with these codes."""
        question = HelpQuestion.objects.create(
            hub=self.hub,
            location=self.location,
            helper=self.staff,
            occurred_at=at,
            participant=participant,
            **anonymous,
        )
        if codes:
            question.topics.set(HelpTopic.objects.filter(code__in=codes))
        rollups.refresh_helps([question])  # made without the services: keep the roll-up
        return question

    def meeting(self, at: datetime, *, hours: float = 2, course: str = "Smartphone") -> Meeting:
        course_row = Course.objects.filter(hub=self.hub, title=course).first()
        if course_row is None:
            course_row = Course.objects.create(hub=self.hub, title=course)
        session = Session.objects.filter(course=course_row).first() or Session.objects.create(
            hub=self.hub, course=course_row, capacity=50
        )
        return Meeting.objects.create(
            hub=self.hub, session=session, starts_at=at, ends_at=at + timedelta(hours=hours)
        )

    def present(self, meeting: Meeting, participant: Participant, status: str = "present") -> None:
        enrolment = Enrolment.objects.filter(
            session=meeting.session, participant=participant
        ).first() or Enrolment.objects.create(
            hub=self.hub,
            session=meeting.session,
            participant=participant,
            status=EnrolmentStatus.ENROLLED,
        )
        Attendance.objects.create(hub=self.hub, meeting=meeting, enrolment=enrolment, status=status)

    def attend(self, participant: Participant, at: datetime, status: str = "present") -> None:
        """A two-hour meeting of a beginners' course at `at`, and the person's attendance."""
        self.present(self.meeting(at, course="Smartphone voor beginners"), participant, status)

    def lend(self, participant: Participant, at: datetime, kind: str = "laptop") -> Loan:
        device = device_register(actor=self.staff, hub=self.hub, kind=kind, make="Dell", model="X")
        return Loan.objects.create(
            hub=self.hub,
            device=device,
            participant=participant,
            kind=LoanKind.TEMPORARY,
            started_at=at,
            lent_by=self.staff,
        )
