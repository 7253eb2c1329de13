"""The paperwork of a loan: the hub's conditions per language, the agreement kept as it
was signed (rendered once at signing, or a scan of the paper, stored with its SHA-256)
and the printed receipt of a cash deposit. Anonymising replaces a kept agreement by a
redacted one that keeps the fact, the date and the hash."""

from __future__ import annotations

import contextlib
import hashlib
import io
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from digibank.core.journal import journal_write
from digibank.core.pdf import render_pdf
from digibank.core.pdf_files import is_pdf

from .models import AgreementSource, KeptAgreement, LendingPolicy, Loan, LoanDeposit, LoanSignature

# Languages a hub writes its conditions in (the platform's languages, Dutch first).
CONDITION_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
SCAN_MAX_BYTES = 10 * 1024 * 1024
SCAN_IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}


# --- conditions per language ------------------------------------------------------------


def policy_conditions(policy: LendingPolicy) -> dict[str, str]:
    """The hub's conditions per language code (only languages that have a text)."""
    texts = {"nl": policy.conditions.strip()}
    for code, text in (policy.conditions_by_language or {}).items():
        if code != "nl" and code in CONDITION_LANGUAGES:
            texts[code] = str(text).strip()
    return {code: text for code, text in texts.items() if text}


def missing_condition_languages(policy: LendingPolicy) -> list[str]:
    present = policy_conditions(policy)
    return [code for code in CONDITION_LANGUAGES if code not in present]


def conditions_for(policy: LendingPolicy, language: str) -> tuple[str, str]:
    """The conditions to print in an agreement in `language`, and the language they are
    in: the borrower's own when the hub wrote them, else Dutch, else any. ("", "") when
    the hub wrote none (the agreement then prints the platform's short default)."""
    texts = policy_conditions(policy)
    for code in (language, "nl", *CONDITION_LANGUAGES):
        if texts.get(code):
            return texts[code], code
    return "", ""


def language_name(code: str) -> str:
    """The language's name in the active language ("Dutch", "néerlandais")."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


# --- the agreement ----------------------------------------------------------------------


def _screen_signature(loan: Loan) -> LoanSignature | None:
    if loan.signed_at is None:
        return None
    return LoanSignature.objects.filter(loan=loan).select_related("witnessed_by").first()


def render_agreement(loan: Loan) -> bytes:
    """The agreement as a PDF, entirely in the loan's language (conditions included when
    the hub has them in it; otherwise it says which language the conditions are in)."""
    with translation.override(loan.language):
        other_language = ""
        if loan.conditions and loan.conditions_language not in ("", loan.language):
            other_language = language_name(loan.conditions_language)
        html = render_to_string(
            "lending/agreement.html",
            {
                "loan": loan,
                "hub": loan.hub,
                "participant": loan.participant,
                "device": loan.device,
                "signature": _screen_signature(loan),
                "conditions_other_language": other_language,
                "language_name": language_name(loan.language),
            },
        )
    return render_pdf(html)


def _store(
    *, actor: Any, loan: Loan, data: bytes, source: str, content_type: str, extension: str
) -> KeptAgreement:
    """Store `data` as the loan's kept agreement (replacing a rendered one by a scan).
    The file is written before the row: a rolled-back transaction leaves an unreferenced
    file behind, never a row without its file."""
    name = default_storage.save(
        f"lending/agreements/{timezone.now():%Y}/loan-{loan.pk}.{extension}", ContentFile(data)
    )
    kept = KeptAgreement.objects.filter(loan=loan).first()
    old_name = kept.file.name if kept else ""
    values = {
        "hub_id": loan.hub_id,
        "source": source,
        "file": name,
        "content_type": content_type,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "stored_at": timezone.now(),
        "stored_by": actor,
        "redacted_at": None,
    }
    kept, _created = KeptAgreement.objects.update_or_create(loan=loan, defaults=values)
    if old_name and old_name != name:
        transaction.on_commit(partial(_delete_file, old_name))
    return kept


def _delete_file(name: str) -> None:
    with contextlib.suppress(OSError):
        default_storage.delete(name)


def agreement_keep(*, actor: Any, loan: Loan) -> KeptAgreement:
    """At signing: render the agreement once and keep it. Called by the signing services
    inside their transaction; a loan keeps the first copy (never re-rendered)."""
    existing = KeptAgreement.objects.filter(loan=loan).first()
    if existing is not None:
        return existing
    loan = Loan.objects.select_related("hub", "participant", "device").get(pk=loan.pk)
    kept = _store(
        actor=actor,
        loan=loan,
        data=render_agreement(loan),
        source=AgreementSource.RENDERED,
        content_type="application/pdf",
        extension="pdf",
    )
    journal_write(
        actor=actor,
        action="lending.agreement_kept",
        subject=loan,
        hub_id=loan.hub_id,
        participant=loan.participant_id,
        details={"sha256": kept.sha256, "source": kept.source},
    )
    return kept


def scan_kind(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of an uploaded scan judged by its content: a readable
    PDF, or a JPEG or PNG image Pillow can read. None for anything else."""
    if is_pdf(io.BytesIO(data)):
        return "application/pdf", "pdf"
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    if kind not in SCAN_IMAGE_TYPES:
        return None
    return SCAN_IMAGE_TYPES[kind], kind.lower().replace("jpeg", "jpg")


@transaction.atomic
def agreement_upload_scan(*, actor: Any, loan: Loan, data: bytes) -> KeptAgreement:
    """A scan of the agreement signed on paper becomes the kept agreement; the loan
    counts as signed on paper from now (when it was not yet). An agreement signed on
    screen keeps its rendered copy."""
    if not data:
        raise ValidationError({"file": _("Choose the file of the scan.")})
    if len(data) > SCAN_MAX_BYTES:
        raise ValidationError({"file": _("The file is too large: at most 10 MB.")})
    kind = scan_kind(data)
    if kind is None:
        raise ValidationError(
            {"file": _("This file is not a PDF or a photo (JPEG or PNG). Scan it again.")}
        )
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if LoanSignature.objects.filter(loan=loan).exists():
        raise ValidationError(_("This agreement was signed on screen; its copy is already kept."))
    if loan.signed_at is None:
        loan.signed_at = timezone.now()
        loan.signed_recorded_by = actor
        loan.save(update_fields=["signed_at", "signed_recorded_by", "updated_at"])
    content_type, extension = kind
    kept = _store(
        actor=actor,
        loan=loan,
        data=data,
        source=AgreementSource.SCAN,
        content_type=content_type,
        extension=extension,
    )
    journal_write(
        actor=actor,
        action="lending.agreement_scan",
        subject=loan,
        hub_id=loan.hub_id,
        participant=loan.participant_id,
        details={"sha256": kept.sha256},
    )
    return kept


def kept_agreement_bytes(kept: KeptAgreement) -> bytes:
    with kept.file.open("rb") as handle:
        data: bytes = handle.read()
    return data


def redact_kept_agreements(participant_ids: list[int]) -> None:
    """Anonymisation hook: each kept agreement of these people is replaced by a short
    redacted PDF that says an agreement was signed, when, and its SHA-256."""
    kept_rows = KeptAgreement.objects.filter(
        loan__participant_id__in=participant_ids, redacted_at__isnull=True
    ).select_related("loan", "loan__hub")
    now = timezone.now()
    for kept in kept_rows:
        old_name = kept.file.name or ""
        with translation.override(kept.loan.language):
            html = render_to_string("lending/agreement_redacted.html", {"kept": kept})
        data = render_pdf(html)
        kept.file = default_storage.save(
            f"lending/agreements/{now:%Y}/loan-{kept.loan_id}-redacted.pdf", ContentFile(data)
        )
        kept.content_type = "application/pdf"
        kept.size = len(data)
        kept.redacted_at = now
        kept.save(update_fields=["file", "content_type", "size", "redacted_at"])
        transaction.on_commit(partial(_delete_file, old_name))


# --- the receipt of a cash deposit ------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    deposit: LoanDeposit
    number: str


def render_deposit_receipt(deposit: LoanDeposit) -> bytes:
    """A printed receipt for a deposit paid in cash, in the borrower's language."""
    if deposit.method != "cash" or not deposit.received_cents:
        raise ValidationError(_("Only a deposit paid in cash gets a receipt."))
    loan = deposit.loan
    with translation.override(loan.language):
        html = render_to_string(
            "lending/deposit_receipt.html",
            {
                "receipt": Receipt(deposit=deposit, number=f"{loan.hub_id}-{deposit.pk}"),
                "deposit": deposit,
                "loan": loan,
                "hub": loan.hub,
                "participant": loan.participant,
                "device": loan.device,
                "language_name": language_name(loan.language),
            },
        )
    return render_pdf(html)
