"""What lending keeps about a person, for anonymisation and retention (people.registry):
the texts anonymising erases, the texts it keeps and why, and the records that count as
contact with the person."""

from __future__ import annotations

from digibank.people.registry import register_anonymise_fields, register_contact_source

from .models import (
    DeviceRequest,
    EvidenceCheck,
    KeptAgreement,
    Loan,
    LoanDeposit,
    LoanSignature,
    WaitingPass,
)

POLICY_CODES = "a code from the hub's lists, the same for every borrower"


def register_personal_data() -> None:
    register_anonymise_fields(
        Loan,
        erase=[
            "goals_plan",
            "damage_note",
            "return_note",
            "police_report",
            "waiting_override_reason",
        ],
        keep={
            "conditions": "the hub's lending conditions copied into the agreement, the same "
            "for every borrower",
            "language": "the agreement's language code, kept like the preferred language",
            "conditions_language": "the language code of the hub's conditions",
        },
    )
    register_anonymise_fields(
        DeviceRequest,
        erase=["needs_note", "skip_reason", "urgency_reason"],
        keep={
            "kind": f"the kind of device: {POLICY_CODES}",
            "needs": "codes chosen from a fixed list (jobs, school, e-government)",
            "reasons": "eligibility reasons written by the policy check; they name only "
            "what anonymising keeps (target groups, evidence kinds, the hub's area)",
        },
    )
    # A signature on screen names the borrower and shows their hand; the fact that (and
    # when, and before whom) the agreement was signed stays.
    register_anonymise_fields(
        LoanSignature, via="loan__participant", erase=["signer_name", "image"]
    )
    register_anonymise_fields(
        LoanDeposit, via="loan__participant", erase=["waiver_reason", "kept_reason"]
    )
    register_anonymise_fields(WaitingPass, via="request__participant", erase=["reason"])
    # The kept agreement names the person: anonymising replaces the file by a redacted
    # one (paperwork.redact_kept_agreements, an anonymise handler); the rest is no text
    # about the person.
    register_anonymise_fields(
        KeptAgreement,
        via="loan__participant",
        keep={
            "file": "replaced by a redacted copy when the person is anonymised",
            "sha256": "the hash of the signed document: proves what was signed, reveals nothing",
            "content_type": "the kind of file (PDF, JPEG, PNG)",
        },
    )
    register_contact_source(Loan, when="started_at")
    register_contact_source(Loan, when="returned_at")
    register_contact_source(DeviceRequest, when="requested_at")
    register_contact_source(EvidenceCheck, when="seen_at")
