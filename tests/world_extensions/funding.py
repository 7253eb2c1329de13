"""Funding rows for the tenancy walk. Each side has a published call of its programme
with a round, a question and a criterion; an application of its own applicant
organisation (approved, with the side's hub as the resulting hub), with a partner, a
budget line, an answer, an attachment, a revision and a request for information; a
review assignment (side A's goes to the walker's programme reviewer, cleared of
conflicts) with a score; a decision; a grant with an instalment, a reach tier and a
report.

The walker signs in as one more role, "applicant": a confirmed applicant of side A's
applicant organisation. Nobody but side B's own people may see side B's application.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from digibank.accounts.models import ProgrammeRole
from digibank.accounts.roles import ProgrammeRoleKind
from digibank.funding.models import (
    Answer,
    Applicant,
    Application,
    ApplicationPartner,
    ApplicationRevision,
    ApplicationStatus,
    Attachment,
    BudgetCategory,
    BudgetLine,
    Call,
    CallKind,
    ConflictStatus,
    Criterion,
    Determination,
    Grant,
    GrantAmendment,
    InformationRequest,
    Instalment,
    Outcome,
    Question,
    QuestionKind,
    ReachTier,
    Report,
    ReportAttachment,
    ReportAttachmentKind,
    ReportKind,
    ReviewAssignment,
    Round,
    Score,
)
from digibank.network.models import Organisation, OrganisationKind, PartnerType

EXTRA_ROLES = ("applicant",)
OPENER_ROLES: dict[str, str] = {
    "funding_applications": "applicant",
    "funding_reviews": "programme_reviewer",
}
PUBLIC_URL_NAMES: set[str] = set()
# Calls: the public pages of published calls (anyone may read them).
PUBLIC_URL_NAMES |= {"funding_calls:public_list", "funding_calls:public_detail"}
KWARG_KINDS: dict[tuple[str, str], str] = {}
KWARG_KINDS[("funding_calls:public_detail", "slug")] = "call"
# Applications: starting an application in a published call's round is open to anyone
# (anonymous visitors are asked to sign in); partners of an application.
PUBLIC_URL_NAMES |= {"funding_applications:start"}
for _name in ("edit_partner", "remove_partner", "letter_file"):
    KWARG_KINDS[(f"funding_applications:{_name}", "partner_pk")] = "application_partner"
KWARG_KINDS[("funding_applications:answer_file", "answer_pk")] = "file_answer"
for _name in ("colleague_confirm", "colleague_refuse"):
    KWARG_KINDS[(f"funding_applications:{_name}", "applicant_pk")] = "pending_colleague"
for _name in ("officer_applicant_confirm", "officer_applicant_refuse"):
    KWARG_KINDS[(f"funding_applications:{_name}", "applicant_pk")] = "pending_applicant"
KWARG_KINDS[("funding_applications:officer_applicant_revoke", "applicant_pk")] = "applicant"
# Reports: a report's files; an application's revisions for officers and reviewers.
for _name in ("hub_report_file", "hub_report_detach", "officer_report_file"):
    KWARG_KINDS[(f"funding_reports:{_name}", "attachment_pk")] = "report_attachment"
KWARG_KINDS[("funding_reports:officer_revisions", "pk")] = "application"
KWARG_KINDS[("funding_reports:reviewer_revisions", "pk")] = "assignment"
OPENER_ROLES["funding_reports"] = "programme_reviewer"  # reviews/<pk>/revisions/
KIND_ALIASES: dict[str, str] = {
    # "apply/<int:pk>/…": an application.
    "apply": "application",
    "reviewassignment": "assignment",
    "review": "assignment",
    "applicationpartner": "application_partner",
    "budgetline": "budget_line",
    "line": "budget_line",
    "applicationrevision": "revision",
    "informationrequest": "information_request",
    "reachtier": "reach_tier",
    "tier": "reach_tier",
    "payment": "instalment",
    "decision": "determination",
}
APP_DEFAULT_KIND: dict[str, str] = {
    "funding_calls": "call",
    "funding_applications": "application",
    "funding_reviews": "assignment",
    "funding_grants": "grant",
    "funding_reports": "report",
}


def make_users(*, make_user: Any, programme: Any) -> dict[str, Any]:
    applicant = make_user(full_name="Role applicant")
    organisation = Organisation.objects.create(
        name="Stad Gent Aanvrager", kind=OrganisationKind.LOCAL_GOVERNMENT
    )
    Applicant.objects.create(user=applicant, organisation=organisation)
    return {"applicant": applicant}


def _side_people(side: Any, label: str) -> tuple[Any, Any, Organisation]:
    """The applicant user, the reviewer and the applicant organisation of a side."""
    if side.users:
        applicant = side.users["applicant"]
        reviewer = side.users["programme_reviewer"]
        organisation = Applicant.objects.get(user=applicant).organisation
        return applicant, reviewer, organisation
    from digibank.accounts.models import User

    applicant = User.objects.create_user(
        email=f"aanvrager.{label.lower()}@example.net", full_name=f"Aanvrager {label}"
    )
    reviewer = User.objects.create_user(
        email=f"beoordelaar.{label.lower()}@example.net", full_name=f"Beoordelaar {label}"
    )
    ProgrammeRole.objects.create(
        user=reviewer, programme=side.programme, role=ProgrammeRoleKind.REVIEWER
    )
    organisation = Organisation.objects.create(
        name=f"Stad {label} Aanvrager", kind=OrganisationKind.LOCAL_GOVERNMENT
    )
    Applicant.objects.create(user=applicant, organisation=organisation)
    return applicant, reviewer, organisation


def fill(side: Any, *, label: str, colleague: Any, location: Any, participants: list[Any]) -> None:
    applicant, reviewer, organisation = _side_people(side, label)
    now = timezone.now()
    call = Call.objects.create(
        programme=side.programme,
        title=f"Oproep digibanken {label}",
        slug=f"oproep-{label.lower()}",
        kind=CallKind.IMPLEMENTATION,
        max_amount_cents=50_000_000,
        is_published=True,
        created_by=colleague,
    )
    round_ = Round.objects.create(
        call=call,
        name=f"Ronde {label}",
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=20),
        budget_cents=200_000_000,
    )
    question = Question.objects.create(
        call=call, position=1, label="Why this partnership?", kind=QuestionKind.LONG_TEXT
    )
    criterion = Criterion.objects.create(call=call, position=1, name="Reach", weight=2)
    side.add("call", call)
    side.add("round", round_)
    side.add("question", question)
    side.add("criterion", criterion)
    side.add("applicant", Applicant.objects.get(user=applicant, organisation=organisation))
    # People waiting to apply: a colleague of the applicant organisation (the walker's
    # applicant confirms), and someone for the hub's lead organisation, which has no
    # applicant yet (the programme's officers confirm).
    from digibank.accounts.models import User

    for kind, waiting_for in (
        ("pending_colleague", organisation),
        ("pending_applicant", side.hub.lead_organisation),
    ):
        person = User.objects.create_user(
            email=f"{kind}.{label.lower()}@example.net", full_name=f"Wachtend {kind} {label}"
        )
        side.add(
            kind,
            Applicant.objects.create(user=person, organisation=waiting_for, is_confirmed=False),
        )
        side.hub_records += [person.full_name]

    title = f"Digibank {label} Verbindt Iedereen"
    starts_on = date.today() - timedelta(days=90)
    ends_on = date.today() + timedelta(days=640)
    application = Application.objects.create(
        round=round_,
        lead_organisation=organisation,
        created_by=applicant,
        title=title,
        summary=f"Samenwerking in {label}",
        status=ApplicationStatus.APPROVED,
        goals=["lending", "training", "guidance"],
        starts_on=starts_on,
        ends_on=ends_on,
        planned_people=1200,
        requested_cents=35_000_000,
        submitted_at=now - timedelta(days=5),
        revision=1,
        awarded_cents=35_000_000,
        hub=side.hub,
    )
    side.add("application", application)
    side.hub_records += [title]
    partner_org = side.objects["organisation"][0]
    partner = ApplicationPartner(
        application=application,
        organisation=partner_org,
        partner_type=PartnerType.CIVIL_SOCIETY,
        role="Opleidingen",
    )
    partner.commitment_letter.save(
        f"letter-{label.lower()}.pdf", ContentFile(b"%PDF-1.4\n"), save=False
    )
    partner.save()
    side.add("application_partner", partner)
    line_text = f"Begeleiders {label}straat"
    side.add(
        "budget_line",
        BudgetLine.objects.create(
            application=application,
            category=BudgetCategory.PERSONNEL,
            description=line_text,
            amount_cents=35_000_000,
        ),
    )
    side.hub_records += [line_text]
    side.add(
        "answer",
        Answer.objects.create(application=application, question=question, text="Samen sterk"),
    )
    # A file answer (a question of kind file): its download goes through a checked view.
    file_question = Question.objects.create(
        call=call, position=2, label="Your plan", kind=QuestionKind.FILE
    )
    file_answer = Answer(application=application, question=file_question)
    file_answer.file.save(f"answer-{label.lower()}.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    file_answer.save()
    side.add("file_answer", file_answer)
    attachment = Attachment(application=application, title=f"Plan {label}", uploaded_by=applicant)
    attachment.file.save(f"plan-{label.lower()}.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    side.add("attachment", attachment)
    side.add(
        "revision",
        ApplicationRevision.objects.create(
            application=application, number=1, snapshot={"title": title}, submitted_by=applicant
        ),
    )
    side.add(
        "information_request",
        InformationRequest.objects.create(
            application=application,
            message="Which municipalities?",
            requested_by=colleague,
            answered_at=now,
        ),
    )
    assignment = ReviewAssignment.objects.create(
        application=application,
        reviewer=reviewer,
        assigned_by=colleague,
        conflict=ConflictStatus.NONE,
        declared_at=now,
        comment=f"Sterk plan voor {label}centrum",
    )
    side.hub_records += [f"Sterk plan voor {label}centrum"]
    side.add("assignment", assignment)
    side.add("score", Score.objects.create(assignment=assignment, criterion=criterion, value=4))
    side.add(
        "determination",
        Determination.objects.create(
            application=application,
            outcome=Outcome.APPROVED,
            amount_cents=35_000_000,
            decided_by=colleague,
        ),
    )
    grant = Grant.objects.create(
        application=application,
        programme=side.programme,
        hub=side.hub,
        amount_cents=35_000_000,
        starts_on=starts_on,
        ends_on=ends_on,
        iban="BE71096123456769",
        account_holder=organisation.name,
        iban_confirmed_at=now,
    )
    side.add("grant", grant)
    amendment_reason = f"Verlenging {label}veld"
    side.add(
        "grant_amendment",
        GrantAmendment.objects.create(
            grant=grant,
            version=2,
            reason=amendment_reason,
            changes={"ends_on": [ends_on.isoformat(), ends_on.isoformat()]},
            made_by=colleague,
        ),
    )
    side.hub_records += [amendment_reason]
    side.add(
        "instalment",
        Instalment.objects.create(
            grant=grant, label="Advance", amount_cents=21_000_000, planned_on=grant.starts_on
        ),
    )
    side.add(
        "reach_tier",
        ReachTier.objects.create(grant=grant, from_users=1, to_users=1000, amount_cents=35_000_000),
    )
    report = Report.objects.create(
        grant=grant,
        kind=ReportKind.INTERIM,
        period_start=grant.starts_on,
        period_end=date.today(),
        due_on=date.today() + timedelta(days=30),
    )
    side.add("report", report)
    report_file = ReportAttachment(
        report=report,
        kind=ReportAttachmentKind.MINUTES,
        title=f"Verslag stuurgroep {label}",
        uploaded_by=applicant,
    )
    report_file.file.save(f"minutes-{label.lower()}.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    report_file.save()
    side.add("report_attachment", report_file)
