"""Every change an applicant makes: registering for an organisation, confirming
colleagues, starting an application, editing its sections, and submitting it.

Each service runs in one transaction, locks the application it changes, refuses any
change once the application is submitted (until the officer asks for more
information), and writes the journal in the same transaction. The amount requested is
re-computed on the server from the budget lines after every change to them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digibank.accounts.models import User
from digibank.accounts.services import address_in_use, signup_account
from digibank.core.journal import journal_write
from digibank.core.validators import refuse_national_numbers
from digibank.network.models import Hub, Municipality, Organisation, OrganisationKind, PartnerType
from digibank.network.validators import normalise_enterprise_number, validate_enterprise_number

from .. import access
from ..models import (
    Answer,
    Applicant,
    Application,
    ApplicationPartner,
    ApplicationRevision,
    ApplicationStatus,
    Attachment,
    BudgetCategory,
    BudgetLine,
    Goal,
    InformationRequest,
    Question,
    QuestionKind,
    Round,
)
from . import follow_on

ACTIONS: dict[str, str | Promise] = {
    "funding.applicant_register": gettext_lazy("Registered as applicant"),
    "funding.applicant_join": gettext_lazy("Asked to apply for an organisation"),
    "funding.applicant_confirm": gettext_lazy("Confirmed an applicant"),
    "funding.applicant_refuse": gettext_lazy("Refused an applicant"),
    "funding.applicant_revoke": gettext_lazy("Revoked an applicant"),
    "funding.application_start": gettext_lazy("Started an application"),
    "funding.application_edit": gettext_lazy("Changed an application"),
    "funding.application_submit": gettext_lazy("Submitted an application"),
}

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Documents applicants may upload as attachments or answers (extension -> first bytes).
DOCUMENT_EXTENSIONS = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
NOT_CONFIRMED_YET = gettext_lazy(
    "You cannot submit yet: a programme officer or a confirmed colleague of your "
    "organisation must first confirm that you may apply for it."
)
MAX_AMOUNT_CENTS = 100_000_000_00  # EUR 100 million: far above any call's maximum


class NotEligible(ValidationError):
    """The application does not meet its call's rules: `problems` lists every one."""

    def __init__(self, problems: list[Any]) -> None:
        super().__init__([problem.message for problem in problems])
        self.problems = problems
        self.code = "not_eligible"


# --- files ------------------------------------------------------------------------------


def _head(upload: Any) -> bytes:
    upload.seek(0)
    head = bytes(upload.read(8))
    upload.seek(0)
    return head


def validate_upload(upload: Any, *, pdf_only: bool = False) -> None:
    """A file applicants send: at most 10 MB, of a known document kind whose content
    matches its name (a PDF starts with %PDF). Raises a ValidationError in plain words."""
    if upload is None:
        return
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is too large: at most 10 MB."), code="file_too_large")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    name = (upload.name or "").lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    allowed = {".pdf": DOCUMENT_EXTENSIONS[".pdf"]} if pdf_only else DOCUMENT_EXTENSIONS
    if extension not in allowed:
        if pdf_only:
            raise ValidationError(_("Upload a PDF file."), code="file_type")
        raise ValidationError(
            _("Upload a PDF, Word, Excel, OpenDocument, PNG or JPEG file."), code="file_type"
        )
    if not _head(upload).startswith(allowed[extension]):
        raise ValidationError(
            _("This file is not a real %(kind)s file. Save it again and upload it.")
            % {"kind": extension.lstrip(".").upper()},
            code="file_content",
        )


# --- registering and confirming applicants ----------------------------------------------


def _organisation_for(
    *, enterprise_number: str, name: str, kind: str, field: str = "enterprise_number"
) -> tuple[Organisation, bool]:
    """The organisation with this enterprise number, or a new one with name and kind."""
    try:
        validate_enterprise_number(enterprise_number)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    number = normalise_enterprise_number(enterprise_number)
    found = Organisation.objects.filter(enterprise_number=number).first()
    if found is not None:
        return found, False
    name = " ".join((name or "").split())
    errors: dict[str, str] = {}
    if not name:
        errors["organisation_name"] = _(
            "No organisation has this enterprise number yet: type its name."
        )
    if kind not in OrganisationKind.values:
        errors["organisation_kind"] = _(
            "No organisation has this enterprise number yet: choose what kind it is."
        )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return (
                Organisation.objects.create(name=name[:200], kind=kind, enterprise_number=number),
                True,
            )
    except IntegrityError:  # registered at the same moment by somebody else
        return Organisation.objects.get(enterprise_number=number), False


def _join(*, user: User, organisation: Organisation) -> Applicant:
    """The user asks to speak for the organisation. Always pending, also for the first
    person to register its enterprise number: knowing a number opens nothing until a
    colleague or an officer confirms (funding/access.py)."""
    existing = Applicant.objects.filter(user=user, organisation=organisation).first()
    if existing is not None and existing.is_revoked:
        raise ValidationError(
            {
                "enterprise_number": _(
                    "You may not apply for this organisation. "
                    "Ask the programme officer if you think this is a mistake."
                )
            }
        )
    if existing is not None:
        raise ValidationError(
            {"enterprise_number": _("You already applied for this organisation.")}
        )
    return Applicant.objects.create(user=user, organisation=organisation, is_confirmed=False)


@transaction.atomic
def applicant_register(
    *,
    full_name: str,
    email: str,
    enterprise_number: str,
    organisation_name: str = "",
    organisation_kind: str = "",
    language: str = "nl",
    base_url: str,
    next_url: str = "",
) -> Applicant | None:
    """A new user who speaks for an organisation: an inactive account (activated through
    the e-mailed link, where its owner chooses the password) with the organisation when it
    is new, and a pending applicant (see _join); both inert until activation. None when
    the address has an account in use (its owner is told by e-mail, not on screen)."""
    email = User.objects.normalize_email((email or "").strip()).lower()
    full_name = " ".join((full_name or "").split())
    errors: dict[str, list[str]] = {}
    if not full_name:
        errors["full_name"] = [_("Type your name.")]
    if not email:
        errors["email"] = [_("Type your e-mail address.")]
    if errors:
        raise ValidationError(errors)
    in_use = address_in_use(email)
    with transaction.atomic():  # the same checks either way; nothing kept for an address
        organisation, _created = _organisation_for(  # in use, so the answer is the same
            enterprise_number=enterprise_number, name=organisation_name, kind=organisation_kind
        )
        if in_use:
            transaction.set_rollback(True)
    user = signup_account(
        email=email,
        full_name=full_name[:150],
        language=language,
        base_url=base_url,
        next_url=next_url,
    )
    if user is None:
        return None
    # An earlier, never activated sign-up holds nothing; a refusal stays on record.
    Applicant.objects.filter(user=user, revoked_at__isnull=True).delete()
    applicant = _join(user=user, organisation=organisation)
    journal_write(
        actor=user,
        action="funding.applicant_register",
        subject=applicant,
        details={"organisation": organisation.pk, "confirmed": applicant.is_confirmed},
    )
    return applicant


@transaction.atomic
def applicant_join(
    *,
    actor: User,
    enterprise_number: str,
    organisation_name: str = "",
    organisation_kind: str = "",
) -> Applicant:
    """A signed-in user asks to apply for (another) organisation."""
    organisation, _created = _organisation_for(
        enterprise_number=enterprise_number, name=organisation_name, kind=organisation_kind
    )
    applicant = _join(user=actor, organisation=organisation)
    journal_write(
        actor=actor,
        action="funding.applicant_join",
        subject=applicant,
        details={"organisation": organisation.pk, "confirmed": applicant.is_confirmed},
    )
    return applicant


def _locked_applicant(applicant: Applicant, allowed: Callable[[Applicant], bool]) -> Applicant:
    """The applicant row, locked, if `allowed(locked)` still holds; else a refusal."""
    locked = Applicant.objects.select_for_update().filter(pk=applicant.pk).first()
    if locked is None or not allowed(locked):
        raise ValidationError(_("This request was already handled, or you may not decide it."))
    return locked


def _journal_decision(*, actor: User, applicant: Applicant, action: str) -> None:
    journal_write(
        actor=actor,
        action=action,
        subject=applicant,
        details={"organisation": applicant.organisation_id, "user": applicant.user_id},
    )


@transaction.atomic
def applicant_confirm(*, actor: User, applicant: Applicant) -> Applicant:
    """A pending (or, by an officer or admin, a revoked) applicant speaks for the
    organisation from now on."""
    locked = _locked_applicant(applicant, lambda row: access.may_confirm(actor, row))
    locked.is_confirmed = True
    locked.revoked_at = None
    locked.save(update_fields=["is_confirmed", "revoked_at", "updated_at"])
    _journal_decision(actor=actor, applicant=locked, action="funding.applicant_confirm")
    return locked


@transaction.atomic
def applicant_refuse(*, actor: User, applicant: Applicant) -> Applicant:
    """A pending applicant is refused. The row stays, revoked, so the person cannot ask
    again and regain their drafts; an officer can still confirm them later."""
    locked = _locked_applicant(applicant, lambda row: access.may_refuse(actor, row))
    return _revoked(actor=actor, applicant=locked, action="funding.applicant_refuse")


@transaction.atomic
def applicant_revoke(*, actor: User, applicant: Applicant) -> Applicant:
    """A confirmed applicant loses access to the organisation's applications at once."""
    locked = _locked_applicant(applicant, lambda row: access.may_revoke(actor, row))
    return _revoked(actor=actor, applicant=locked, action="funding.applicant_revoke")


def _revoked(*, actor: User, applicant: Applicant, action: str) -> Applicant:
    applicant.is_confirmed = False
    applicant.revoked_at = timezone.now()
    applicant.save(update_fields=["is_confirmed", "revoked_at", "updated_at"])
    _journal_decision(actor=actor, applicant=applicant, action=action)
    return applicant


# --- starting and editing an application ------------------------------------------------


@transaction.atomic
def application_start(
    *,
    actor: User,
    round: Round,
    lead_organisation: Organisation,
    title: str,
    existing_hub: Hub | None = None,
    follows: Application | None = None,
) -> Application:
    """A draft application of `lead_organisation` in an open round of a published call;
    for an existing hub (an extension or follow-on) or carrying on an approved
    preparation with its partnership (services.follow_on)."""
    if not access.drafting_organisations(actor).filter(pk=lead_organisation.pk).exists():
        raise ValidationError({"lead_organisation": _("You do not speak for this organisation.")})
    if not round.call.is_published:
        raise ValidationError(_("This call is not open for applications."))
    now = timezone.now()
    if now < round.opens_at:
        raise ValidationError(_("This round opens on %(when)s.") % {"when": when(round.opens_at)})
    if now >= round.closes_at:
        raise ValidationError(
            _("This round closed on %(when)s. You can no longer start an application.")
            % {"when": when(round.closes_at)}
        )
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give the project a title.")})
    follow_on.check_target(
        round_=round,
        lead_organisation=lead_organisation,
        existing_hub=existing_hub,
        follows=follows,
    )
    application = Application.objects.create(
        round=round,
        lead_organisation=lead_organisation,
        created_by=actor,
        title=title[:200],
        existing_hub=existing_hub,
        follows=follows,
    )
    follow_on.carry_over(application)
    journal_write(
        actor=actor,
        action="funding.application_start",
        subject=application,
        details={
            "round": round.pk,
            "lead": lead_organisation.pk,
            "existing_hub": existing_hub.pk if existing_hub else None,
            "follows": follows.pk if follows else None,
        },
    )
    return application


def when(moment: Any) -> str:
    """A moment as people in Brussels read it, e.g. '15 March 2026 17:00'."""
    return date_format(timezone.localtime(moment), "j F Y H:i")


def _editable(*, actor: Any, application: Application) -> Application:
    """The application, locked, if `actor` may still change it; else a clear refusal."""
    locked = Application.objects.select_for_update().filter(pk=application.pk).first()
    if locked is None or not access.may_edit_application(actor, locked):
        raise ValidationError(_("You may not change this application."))
    if not locked.is_editable:
        raise ValidationError(
            _("This application was submitted and can no longer be changed."),
            code="frozen",
        )
    return locked


def _edited(*, actor: Any, application: Application, section: str, **details: Any) -> None:
    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())
    journal_write(
        actor=actor,
        action="funding.application_edit",
        subject=application,
        details={"section": section, **details},
    )


@transaction.atomic
def application_update_general(
    *,
    actor: User,
    application: Application,
    title: str,
    summary: str,
    starts_on: date | None,
    ends_on: date | None,
) -> Application:
    locked = _editable(actor=actor, application=application)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give the project a title.")})
    if starts_on and ends_on and ends_on <= starts_on:
        raise ValidationError({"ends_on": _("The project must end after it starts.")})
    refuse_national_numbers(title=title, summary=summary or "")
    locked.title = title[:200]
    locked.summary = (summary or "").strip()
    locked.starts_on = starts_on
    locked.ends_on = ends_on
    locked.save(update_fields=["title", "summary", "starts_on", "ends_on", "updated_at"])
    _edited(actor=actor, application=locked, section="general")
    return locked


@transaction.atomic
def application_update_goals(
    *, actor: User, application: Application, goals: Iterable[str]
) -> Application:
    locked = _editable(actor=actor, application=application)
    chosen = sorted(set(goals))
    if set(chosen) - set(Goal.values):
        raise ValidationError({"goals": _("Choose goals from the list.")})
    locked.goals = [goal for goal in Goal.values if goal in chosen]
    locked.save(update_fields=["goals", "updated_at"])
    _edited(actor=actor, application=locked, section="goals")
    return locked


OUTPUT_FIELDS = ("planned_people", "planned_devices", "planned_trainings", "planned_help_points")


@transaction.atomic
def application_update_outputs(
    *, actor: User, application: Application, outputs: dict[str, int | None]
) -> Application:
    locked = _editable(actor=actor, application=application)
    unknown = set(outputs) - set(OUTPUT_FIELDS)
    if unknown:
        raise TypeError(sorted(unknown))
    for name, value in outputs.items():
        if value is not None and not 0 <= int(value) <= 10_000_000:
            raise ValidationError({name: _("Type a number between 0 and 10,000,000.")})
        setattr(locked, name, value)
    locked.save(update_fields=[*outputs, "updated_at"])
    _edited(actor=actor, application=locked, section="outputs")
    return locked


# partners


@transaction.atomic
def partner_add(
    *,
    actor: User,
    application: Application,
    enterprise_number: str,
    organisation_name: str = "",
    organisation_kind: str = "",
    partner_type: str,
    role: str = "",
    commitment_letter: UploadedFile | None = None,
) -> ApplicationPartner:
    locked = _editable(actor=actor, application=application)
    if partner_type not in PartnerType.values:
        raise ValidationError({"partner_type": _("Choose the kind of partner.")})
    validate_upload_for("commitment_letter", commitment_letter, pdf_only=True)
    organisation, _created = _organisation_for(
        enterprise_number=enterprise_number, name=organisation_name, kind=organisation_kind
    )
    if organisation.pk == locked.lead_organisation_id:
        raise ValidationError(
            {"enterprise_number": _("This is the lead organisation: it is already part of it.")}
        )
    if ApplicationPartner.objects.filter(application=locked, organisation=organisation).exists():
        raise ValidationError(
            {"enterprise_number": _("%(name)s is already a partner.") % {"name": organisation}}
        )
    partner = ApplicationPartner(
        application=locked,
        organisation=organisation,
        partner_type=partner_type,
        role=" ".join((role or "").split())[:200],
    )
    if commitment_letter is not None:
        partner.commitment_letter.save(
            commitment_letter.name or "letter.pdf", commitment_letter, save=False
        )
    partner.save()
    _edited(actor=actor, application=locked, section="partners", added=organisation.pk)
    return partner


def validate_upload_for(field: str, upload: Any, *, pdf_only: bool = False) -> None:
    try:
        validate_upload(upload, pdf_only=pdf_only)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


@transaction.atomic
def partner_update(
    *,
    actor: User,
    partner: ApplicationPartner,
    partner_type: str,
    role: str = "",
    commitment_letter: UploadedFile | None = None,
) -> ApplicationPartner:
    """Change a partner's type or role, or upload (or replace) its commitment letter."""
    locked = _editable(actor=actor, application=partner.application)
    if partner_type not in PartnerType.values:
        raise ValidationError({"partner_type": _("Choose the kind of partner.")})
    validate_upload_for("commitment_letter", commitment_letter, pdf_only=True)
    partner.partner_type = partner_type
    partner.role = " ".join((role or "").split())[:200]
    if commitment_letter is not None:
        old = partner.commitment_letter.name
        partner.commitment_letter.save(
            commitment_letter.name or "letter.pdf", commitment_letter, save=False
        )
        if old:
            _delete_on_commit(old, partner.commitment_letter.storage)
    partner.save()
    _edited(actor=actor, application=locked, section="partners", changed=partner.organisation_id)
    return partner


def _delete_on_commit(name: str | None, storage: Any) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def partner_remove(*, actor: User, partner: ApplicationPartner) -> None:
    locked = _editable(actor=actor, application=partner.application)
    if partner.commitment_letter:
        _delete_on_commit(partner.commitment_letter.name, partner.commitment_letter.storage)
    organisation_id = partner.organisation_id
    partner.delete()
    _edited(actor=actor, application=locked, section="partners", removed=organisation_id)


# service area


@transaction.atomic
def service_area_add(*, actor: User, application: Application, municipality: Municipality) -> None:
    locked = _editable(actor=actor, application=application)
    if not municipality.is_current:
        raise ValidationError(
            _("%(name)s is no longer a municipality of its own: choose the current one.")
            % {"name": municipality.name}
        )
    locked.service_area.add(municipality)
    _edited(actor=actor, application=locked, section="area", added=municipality.pk)


@transaction.atomic
def service_area_remove(
    *, actor: User, application: Application, municipality: Municipality
) -> None:
    locked = _editable(actor=actor, application=application)
    locked.service_area.remove(municipality)
    _edited(actor=actor, application=locked, section="area", removed=municipality.pk)


# budget


def _check_line(category: str, description: str, amount_cents: int) -> str:
    errors: dict[str, str] = {}
    if category not in BudgetCategory.values:
        errors["category"] = _("Choose a category.")
    description = " ".join((description or "").split())
    if not description:
        errors["description"] = _("Say what the money is for.")
    if not isinstance(amount_cents, int) or not 0 < amount_cents <= MAX_AMOUNT_CENTS:
        errors["amount"] = _("Type an amount above 0 euros.")
    if errors:
        raise ValidationError(errors)
    return description[:200]


def _recompute(application: Application) -> int:
    total = BudgetLine.objects.filter(application=application).aggregate(total=Sum("amount_cents"))[
        "total"
    ]
    application.requested_cents = int(total or 0)
    Application.objects.filter(pk=application.pk).update(
        requested_cents=application.requested_cents
    )
    return application.requested_cents


@transaction.atomic
def budget_line_add(
    *, actor: User, application: Application, category: str, description: str, amount_cents: int
) -> BudgetLine:
    locked = _editable(actor=actor, application=application)
    description = _check_line(category, description, amount_cents)
    line = BudgetLine.objects.create(
        application=locked, category=category, description=description, amount_cents=amount_cents
    )
    total = _recompute(locked)
    _edited(actor=actor, application=locked, section="budget", total_cents=total)
    application.requested_cents = total
    return line


@transaction.atomic
def budget_line_update(
    *, actor: User, line: BudgetLine, category: str, description: str, amount_cents: int
) -> BudgetLine:
    locked = _editable(actor=actor, application=line.application)
    line.description = _check_line(category, description, amount_cents)
    line.category = category
    line.amount_cents = amount_cents
    line.save()
    total = _recompute(locked)
    _edited(actor=actor, application=locked, section="budget", total_cents=total)
    line.application.requested_cents = total
    return line


@transaction.atomic
def budget_line_remove(*, actor: User, line: BudgetLine) -> None:
    locked = _editable(actor=actor, application=line.application)
    line.delete()
    total = _recompute(locked)
    _edited(actor=actor, application=locked, section="budget", total_cents=total)
    line.application.requested_cents = total


# answers


@transaction.atomic
def answer_save(
    *, actor: User, application: Application, question: Question, value: Any
) -> Answer | None:
    """Save the answer to one of the call's questions. An empty value removes the answer
    (a file answer keeps its file when no new file is sent)."""
    locked = _editable(actor=actor, application=application)
    if question.call_id != _call_id(locked):
        raise ValidationError(_("This question is not part of this call."))
    answer = Answer.objects.filter(application=locked, question=question).first()
    if answer is None:
        answer = Answer(application=locked, question=question)
    kind = question.kind
    empty = value in (None, "") or (isinstance(value, str) and not value.strip())
    if kind == QuestionKind.FILE:
        if empty:
            return answer if answer.pk else None
        validate_upload_for("value", value)
        old = answer.file.name if answer.file else ""
        answer.file.save(value.name or "answer", value, save=False)
        if old:
            _delete_on_commit(old, answer.file.storage)
    elif empty:
        if answer.pk:
            answer.delete()
        _edited(actor=actor, application=locked, section="answers", question=question.pk)
        return None
    elif kind in (QuestionKind.TEXT, QuestionKind.LONG_TEXT):
        limit = 300 if kind == QuestionKind.TEXT else 20_000
        text = str(value).strip()
        refuse_national_numbers(value=text)
        if len(text) > limit:
            raise ValidationError(
                {"value": _("Use at most %(limit)s characters.") % {"limit": limit}}
            )
        answer.text = text
    elif kind == QuestionKind.CHOICE:
        if str(value) not in [str(choice) for choice in question.choices]:
            raise ValidationError({"value": _("Choose one of the options.")})
        answer.text = str(value)
    elif kind == QuestionKind.NUMBER:
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            raise ValidationError({"value": _("Type a number.")}) from None
        if not number.is_finite() or abs(number) >= Decimal("1e12"):
            raise ValidationError({"value": _("Type a number.")})
        answer.number = number.quantize(Decimal("0.01"))
    elif kind == QuestionKind.DATE:
        if not isinstance(value, date):
            raise ValidationError({"value": _("Type a date.")})
        answer.date = value
    answer.save()
    _edited(actor=actor, application=locked, section="answers", question=question.pk)
    return answer


def _call_id(application: Application) -> int:
    return int(Round.objects.filter(pk=application.round_id).values_list("call_id", flat=True)[0])


# attachments


@transaction.atomic
def attachment_add(
    *, actor: User, application: Application, title: str, file: UploadedFile
) -> Attachment:
    locked = _editable(actor=actor, application=application)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give the attachment a title.")})
    if file is None:
        raise ValidationError({"file": _("Choose a file.")})
    validate_upload_for("file", file)
    attachment = Attachment(application=locked, title=title[:200], uploaded_by=actor)
    attachment.file.save(file.name or "attachment", file, save=False)
    attachment.save()
    _edited(actor=actor, application=locked, section="attachments", added=attachment.pk)
    return attachment


@transaction.atomic
def attachment_remove(*, actor: User, attachment: Attachment) -> None:
    locked = _editable(actor=actor, application=attachment.application)
    if attachment.file:
        _delete_on_commit(attachment.file.name, attachment.file.storage)
    attachment_id = attachment.pk
    attachment.delete()
    _edited(actor=actor, application=locked, section="attachments", removed=attachment_id)


# --- the snapshot and submission ---------------------------------------------------------


def _file_name(field: Any) -> str:
    name = field.name if field else ""
    return name.rsplit("/", 1)[-1] if name else ""


def application_snapshot(application: Application) -> dict[str, Any]:
    """What the application says, as plain JSON: kept with every revision and compared
    line by line to show what changed. Codes, not labels: labels are added when shown."""
    partners = application.partners.select_related("organisation").order_by("id")
    answers = application.answers.select_related("question").order_by("question__position")
    return {
        "title": application.title,
        "summary": application.summary,
        "lead_organisation": {
            "name": application.lead_organisation.name,
            "enterprise_number": application.lead_organisation.enterprise_number,
            "kind": application.lead_organisation.kind,
        },
        "starts_on": application.starts_on.isoformat() if application.starts_on else None,
        "ends_on": application.ends_on.isoformat() if application.ends_on else None,
        "goals": list(application.goals),
        "outputs": {name: getattr(application, name) for name in OUTPUT_FIELDS},
        "partners": [
            {
                "name": partner.organisation.name,
                "enterprise_number": partner.organisation.enterprise_number,
                "partner_type": partner.partner_type,
                "role": partner.role,
                "commitment_letter": _file_name(partner.commitment_letter),
            }
            for partner in partners
        ],
        "service_area": [
            {"nis_code": m.nis_code, "name": m.name_nl}
            for m in application.service_area.order_by("name_nl")
        ],
        "budget_lines": [
            {
                "category": line.category,
                "description": line.description,
                "amount_cents": line.amount_cents,
            }
            for line in application.budget_lines.order_by("id")
        ],
        "requested_cents": application.requested_cents,
        "answers": [
            {
                "question": answer.question.label,
                "kind": answer.question.kind,
                "text": answer.text,
                "number": str(answer.number) if answer.number is not None else None,
                "date": answer.date.isoformat() if answer.date else None,
                "file": _file_name(answer.file),
            }
            for answer in answers
        ],
        "attachments": [
            {"title": attachment.title, "file": _file_name(attachment.file)}
            for attachment in application.attachments.order_by("id")
        ],
    }


@transaction.atomic
def application_submit(*, actor: User, application: Application) -> ApplicationRevision:
    """Submit the application (or resubmit it after the officer asked for more
    information): every rule of the call must be met; a first submission only while
    its round is open (server time). Freezes it and keeps a revision."""
    from ..eligibility import check

    locked = _editable(actor=actor, application=application)
    if not access.may_submit(actor, locked.lead_organisation_id):
        raise ValidationError(NOT_CONFIRMED_YET, code="not_confirmed")
    now = timezone.now()
    round_ = Round.objects.select_related("call").get(pk=locked.round_id)
    resubmission = locked.status == ApplicationStatus.MORE_INFORMATION
    if not resubmission:
        if now < round_.opens_at:
            raise ValidationError(
                _("This round opens on %(when)s. You can submit from then on.")
                % {"when": when(round_.opens_at)},
                code="round_not_open",
            )
        if now >= round_.closes_at:
            raise ValidationError(
                _(
                    "This round closed on %(when)s (Brussels time). "
                    "Submissions are no longer accepted."
                )
                % {"when": when(round_.closes_at)},
                code="round_closed",
            )
    locked.round = round_
    problems = check(locked)
    if problems:
        raise NotEligible(problems)
    locked.status = ApplicationStatus.SUBMITTED
    locked.submitted_at = now
    locked.revision += 1
    locked.save(update_fields=["status", "submitted_at", "revision", "updated_at"])
    revision = ApplicationRevision.objects.create(
        application=locked,
        number=locked.revision,
        snapshot=application_snapshot(locked),
        submitted_at=now,
        submitted_by=actor,
    )
    answered = 0
    if resubmission:
        answered = InformationRequest.objects.filter(
            application=locked, answered_at__isnull=True
        ).update(answered_at=now)
    journal_write(
        actor=actor,
        action="funding.application_submit",
        subject=locked,
        details={"revision": locked.revision, "requests_answered": answered},
    )
    application.status = locked.status
    application.submitted_at = now
    application.revision = locked.revision
    return revision
