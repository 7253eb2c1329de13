"""Demo data of funding, for the Digibanken programme: a published implementation call
with a closed and an open round and a published preparation call; applications in every
state (draft, submitted, more information asked, approved, rejected) from demo
organisations, with reviewers' scores and decisions; and for every demo hub of the
programme an approved application linked to the hub, with its grant: the Flemish
2025–2026 reach tiers, instalments (an advance paid), and the standard reports (the
coordinator's first hubs have the 2025 report approved and an interim report due in a
few days, ready to be written on top of the live figures).

Demo logins: the programme officer and the reviewer (seed_accounts), and the applicant
(applicant@digibank.example), who speaks for a demo organisation and for the first hub's
lead organisation. Cheap at every scale: some rows per hub, and live figures computed for
the two hubs of the demo coordinator only."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from digibank.accounts.models import User
from digibank.funding.models import (
    Applicant,
    Application,
    ApplicationPartner,
    ApplicationRevision,
    ApplicationStatus,
    BudgetCategory,
    BudgetLine,
    Call,
    CallKind,
    ConflictStatus,
    Criterion,
    Determination,
    Goal,
    Grant,
    InformationRequest,
    Instalment,
    Outcome,
    PaymentStatus,
    Question,
    QuestionKind,
    ReachTier,
    Report,
    ReportKind,
    ReportStatus,
    ReviewAssignment,
    Round,
    Score,
)
from digibank.funding.queries.reports import frozen_figures
from digibank.funding.services.grants import FLEMISH_2025_2026_TIERS, grant_count_reach
from digibank.funding.services.reports import standard_schedule
from digibank.network.models import (
    HubPartner,
    Organisation,
    OrganisationKind,
    PartnerType,
    Programme,
)

from ..seed_accounts import DEMO_DOMAIN
from ..seed_network import EnterpriseNumbers

Output = Callable[[str], None]

ORDER = 300  # after the apps whose data the live figures count

PROGRAMME = "digibanken"
PROGRAMME_BUDGET_CENTS = 50_000_000_00
GRANT_CENTS = 500_000_00  # the sum of the Flemish tiers
GRANT_START, GRANT_END = date(2025, 1, 1), date(2026, 12, 31)
ALL_GOALS = [Goal.LENDING, Goal.TRAINING, Goal.GUIDANCE]
# The applicant's own organisation and its applications in the other states.
APPLICANT_ORGANISATION = "Vzw Samen Digitaal"
OTHER_APPLICATIONS: tuple[tuple[str, str, str], ...] = (
    ("open", ApplicationStatus.DRAFT, "Digibank Kempen: iedereen mee"),
    ("open", ApplicationStatus.SUBMITTED, "Digibank Westhoek verbindt"),
    ("open", ApplicationStatus.MORE_INFORMATION, "Digibank Pajottenland"),
    ("closed", ApplicationStatus.REJECTED, "Digitaal Dorp Haspengouw"),
)
CRITERIA = (
    (
        "Bereik van kwetsbare groepen",
        "Bereikt het plan de mensen die het het meest nodig hebben?",
        3,
    ),
    ("Sterkte van het partnerschap", "Overheid, bedrijven, kennisinstellingen en middenveld.", 2),
    ("Haalbaarheid en budget", "Is het plan haalbaar met dit budget?", 1),
)
QUESTIONS: tuple[tuple[str, str, list[str]], ...] = (
    (QuestionKind.LONG_TEXT, "Waarom dit partnerschap, en wie doet wat?", []),
    (QuestionKind.NUMBER, "Hoeveel digipunten zal de digibank openhouden?", []),
    (
        QuestionKind.CHOICE,
        "Welke groep bereik je eerst?",
        ["Senioren", "Werkzoekenden", "Nieuwkomers"],
    ),
    (QuestionKind.DATE, "Wanneer kan het eerste digipunt open?", []),
)


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _call(
    *, programme: Programme, officer: User, kind: str, slug: str, title: str, **extra: Any
) -> Call:
    call = Call.objects.create(
        programme=programme,
        kind=kind,
        slug=slug,
        title=title,
        is_published=True,
        created_by=officer,
        required_goals=ALL_GOALS if kind == CallKind.IMPLEMENTATION else [],
        **extra,
    )
    for position, (name, description, weight) in enumerate(CRITERIA, start=1):
        Criterion.objects.create(
            call=call, position=position, name=name, description=description, weight=weight
        )
    for position, (question_kind, label, choices) in enumerate(QUESTIONS, start=1):
        Question.objects.create(
            call=call, position=position, label=label, kind=question_kind, choices=choices
        )
    return call


def _application(
    *,
    round_: Round,
    lead: Organisation,
    author: User,
    title: str,
    status: str,
    now: datetime,
    rng: random.Random,
    hub: Any = None,
) -> Application:
    requested = rng.choice([420_000_00, 460_000_00, 500_000_00])
    application = Application.objects.create(
        round=round_,
        lead_organisation=lead,
        created_by=author,
        title=title,
        summary="Laptops lenen, digitale vaardigheden leren en hulp bij online diensten, "
        "samen met de lokale partners.",
        status=status,
        goals=ALL_GOALS,
        starts_on=GRANT_START,
        ends_on=GRANT_END,
        planned_people=rng.choice([1200, 1500, 1800]),
        planned_devices=rng.choice([150, 250, 400]),
        planned_trainings=rng.choice([40, 60, 90]),
        planned_help_points=rng.randint(5, 12),
        requested_cents=requested,
        submitted_at=None if status == ApplicationStatus.DRAFT else now - timedelta(days=20),
        revision=0 if status == ApplicationStatus.DRAFT else 1,
        awarded_cents=GRANT_CENTS if status == ApplicationStatus.APPROVED else None,
        hub=hub,
    )
    half = requested // 2
    for category, description, amount in (
        (BudgetCategory.PERSONNEL, "Coördinator en begeleiders", half),
        (BudgetCategory.HARDWARE, "Laptops en tablets", requested // 4),
        (BudgetCategory.OPERATIONS, "Digipunten en opleidingen", requested - half - requested // 4),
    ):
        BudgetLine.objects.create(
            application=application, category=category, description=description, amount_cents=amount
        )
    if status != ApplicationStatus.DRAFT:
        ApplicationRevision.objects.create(
            application=application,
            number=1,
            snapshot={"title": title, "requested_cents": requested},
            submitted_at=now - timedelta(days=20),
            submitted_by=author,
        )
    return application


def _review(
    application: Application, *, reviewer: User, officer: User, criteria: list[Criterion], rng: Any
) -> None:
    assignment = ReviewAssignment.objects.create(
        application=application,
        reviewer=reviewer,
        assigned_by=officer,
        conflict=ConflictStatus.NONE,
        declared_at=timezone.now() - timedelta(days=15),
        comment="Sterk partnerschap; let op de planning van de digipunten.",
        completed_at=timezone.now() - timedelta(days=10),
    )
    scale = application.round.call.score_scale_max
    for criterion in criteria:
        Score.objects.create(
            assignment=assignment,
            criterion=criterion,
            value=rng.randint(2 if application.status != ApplicationStatus.REJECTED else 1, scale),
            comment="",
        )


def _grant(
    application: Application, *, programme: Programme, officer: User, now: datetime
) -> Grant:
    hub = application.hub
    grant = Grant.objects.create(
        application=application,
        programme=programme,
        hub=hub,
        amount_cents=GRANT_CENTS,
        starts_on=GRANT_START,
        ends_on=GRANT_END,
        iban="BE71096123456769",
        account_holder=application.lead_organisation.name,
        iban_confirmed_at=now,
        iban_confirmed_by=officer,
    )
    for tier in FLEMISH_2025_2026_TIERS:
        ReachTier.objects.create(
            grant=grant,
            from_users=tier.from_users,
            to_users=tier.to_users,
            amount_cents=tier.amount_cents,
        )
    return grant


def _reports_and_instalments(
    grant: Grant, *, officer: User, coordinator: User | None, full: bool, now: datetime
) -> None:
    """The standard schedule; for the demo coordinator's hubs (full) the 2025 report is
    approved with its figures and one more interim report is due in ten days."""
    today = timezone.localdate(now)
    reports = []
    for kind, start, end, due in standard_schedule(grant):
        reports.append(
            Report.objects.create(
                grant=grant, kind=kind, period_start=start, period_end=end, due_on=due
            )
        )
    first, final = reports[0], reports[-1]
    if full and coordinator is not None and grant.hub_id is not None:
        submitted = timezone.make_aware(
            datetime.combine(first.due_on - timedelta(days=3), datetime.min.time())
        )
        first.figures = frozen_figures(
            grant.hub_id, first.period_start, first.period_end, computed_at=submitted
        )
        first.narrative = (
            "Het eerste jaar: de digipunten draaien, de uitleendienst loopt en de "
            "opleidingen zitten vol. Senioren vinden de weg; jongeren minder."
        )
        first.next_steps = "Meer digihelpers werven en een digipunt in de deelgemeenten."
        first.status = ReportStatus.APPROVED
        first.submitted_at, first.submitted_by = submitted, coordinator
        first.reviewed_at, first.reviewed_by = submitted + timedelta(days=7), officer
        first.officer_comment = "Dank u, een helder verslag."
        first.save()
        period_end = min(today - timedelta(days=1), grant.ends_on)
        if period_end >= date(2026, 1, 1):
            Report.objects.create(
                grant=grant,
                kind=ReportKind.INTERIM,
                period_start=date(2026, 1, 1),
                period_end=period_end,
                due_on=today + timedelta(days=10),
            )
    advance = GRANT_CENTS * 60 // 100
    Instalment.objects.create(
        grant=grant,
        label="Voorschot (60 %)",
        amount_cents=advance,
        planned_on=grant.starts_on,
        status=PaymentStatus.PAID,
        approved_at=timezone.make_aware(datetime(2025, 1, 10, 10, 0)),
        approved_by=officer,
        paid_on=date(2025, 1, 20),
        payment_reference=f"DIGI-{grant.pk:04d}-1",
    )
    interim_paid = first.status == ReportStatus.APPROVED
    Instalment.objects.create(
        grant=grant,
        label="Tweede schijf (20 %) na het tussentijds verslag",
        amount_cents=GRANT_CENTS * 20 // 100,
        planned_on=first.due_on + timedelta(days=30),
        after_report=first,
        status=PaymentStatus.PAID if interim_paid else PaymentStatus.PLANNED,
        approved_at=first.reviewed_at if interim_paid else None,
        approved_by=officer if interim_paid else None,
        paid_on=first.due_on + timedelta(days=30) if interim_paid else None,
    )
    Instalment.objects.create(
        grant=grant,
        label="Saldo na het eindverslag",
        amount_cents=GRANT_CENTS - advance - GRANT_CENTS * 20 // 100,
        planned_on=final.due_on + timedelta(days=30),
        after_report=final,
    )


def seed(*, hubs: list[Any], scale: Any, seed: int, now: datetime, out: Output) -> None:
    programme = Programme.objects.filter(slug=PROGRAMME).first()
    officer = _user(f"officer@{DEMO_DOMAIN}")
    reviewer = _user(f"reviewer@{DEMO_DOMAIN}")
    applicant = _user(f"applicant@{DEMO_DOMAIN}")
    coordinator = _user(f"coordinator@{DEMO_DOMAIN}")
    if programme is None or officer is None or reviewer is None or applicant is None:
        return
    rng = random.Random(f"{seed}:funding")
    if programme.budget_cents is None:
        programme.budget_cents = PROGRAMME_BUDGET_CENTS
        programme.save(update_fields=["budget_cents"])

    implementation = _call(
        programme=programme,
        officer=officer,
        kind=CallKind.IMPLEMENTATION,
        slug="digibanken-implementatie-2025",
        title="Digibanken 2025–2026: een digibank uitbouwen",
        description="Voor partnerschappen die hun strategie uitvoeren: uitlenen, opleiden en "
        "begeleiden, minstens twee jaar, tot € 500.000, betaald volgens bereik.",
        max_amount_cents=GRANT_CENTS,
        min_duration_months=24,
    )
    closed = Round.objects.create(
        call=implementation,
        name="Ronde 1",
        opens_at=datetime(2024, 9, 1, 9, 0, tzinfo=timezone.get_current_timezone()),
        closes_at=datetime(2024, 11, 15, 17, 0, tzinfo=timezone.get_current_timezone()),
        budget_cents=30_000_000_00,
    )
    open_round = Round.objects.create(
        call=implementation,
        name="Ronde 2",
        opens_at=now - timedelta(days=14),
        closes_at=now + timedelta(days=30),
        budget_cents=10_000_000_00,
    )
    preparation = _call(
        programme=programme,
        officer=officer,
        kind=CallKind.PREPARATION,
        slug="digibanken-voortraject-2025",
        title="Voortraject: een partnerschap vormen",
        description="Om een lokaal partnerschap te vormen en een strategie te schrijven: "
        "hoogstens vier maanden, tot € 15.000.",
        max_amount_cents=15_000_00,
        max_duration_months=4,
    )
    Round.objects.create(
        call=preparation,
        name="Doorlopende ronde",
        opens_at=now - timedelta(days=60),
        closes_at=now + timedelta(days=120),
        budget_cents=500_000_00,
    )
    criteria = list(implementation.criteria.order_by("position"))

    own = Organisation.objects.create(
        name=APPLICANT_ORGANISATION,
        kind=OrganisationKind.CIVIL_SOCIETY,
        enterprise_number=EnterpriseNumbers(rng)(),
    )
    Applicant.objects.get_or_create(user=applicant, organisation=own)
    for round_name, status, title in OTHER_APPLICATIONS:
        application = _application(
            round_=open_round if round_name == "open" else closed,
            lead=own,
            author=applicant,
            title=title,
            status=status,
            now=now,
            rng=rng,
        )
        if status in (ApplicationStatus.SUBMITTED, ApplicationStatus.REJECTED):
            _review(application, reviewer=reviewer, officer=officer, criteria=criteria, rng=rng)
        if status == ApplicationStatus.MORE_INFORMATION:
            InformationRequest.objects.create(
                application=application,
                message="Welke gemeenten horen bij het werkgebied, en wie leidt de digipunten?",
                requested_by=officer,
            )
            Determination.objects.create(
                application=application,
                outcome=Outcome.MORE_INFORMATION,
                reasons="Het werkgebied is niet duidelijk.",
                decided_by=officer,
            )
        if status == ApplicationStatus.REJECTED:
            Determination.objects.create(
                application=application,
                outcome=Outcome.REJECTED,
                reasons="Het partnerschap mist een lokaal bestuur; de begroting is niet haalbaar.",
                decided_by=officer,
            )

    granted = 0
    programme_hubs = [seed_.hub for seed_ in hubs if seed_.hub.programme_id == programme.pk]
    for index, hub in enumerate(programme_hubs):
        lead = hub.lead_organisation
        if index == 0:
            Applicant.objects.get_or_create(user=applicant, organisation=lead)
        application = _application(
            round_=closed,
            lead=lead,
            author=applicant if index == 0 else officer,
            title=hub.name,
            status=ApplicationStatus.APPROVED,
            now=now,
            rng=rng,
            hub=hub,
        )
        for partner in HubPartner.objects.filter(hub=hub).select_related("organisation")[:4]:
            ApplicationPartner.objects.get_or_create(
                application=application,
                organisation=partner.organisation,
                defaults={
                    "partner_type": partner.partner_type or PartnerType.CIVIL_SOCIETY,
                    "role": partner.role[:200],
                },
            )
        if index < 3:
            _review(application, reviewer=reviewer, officer=officer, criteria=criteria, rng=rng)
        Determination.objects.create(
            application=application,
            outcome=Outcome.APPROVED,
            amount_cents=GRANT_CENTS,
            reasons="Een sterk partnerschap met een duidelijk plan.",
            decided_by=officer,
        )
        grant = _grant(application, programme=programme, officer=officer, now=now)
        _reports_and_instalments(
            grant, officer=officer, coordinator=coordinator, full=index < 2, now=now
        )
        # What the nightly task does, so the dashboard shows reach from the start.
        grant_count_reach(grant=grant)
        granted += 1
    out(
        f"  funding: 2 calls, 4 rounds, {len(OTHER_APPLICATIONS) + granted} applications, "
        f"{granted} grants"
    )
