"""Every free-text field about a person, in every app, carries the one credential guard
(core.credentials.validate_no_credentials) in the forms where people type it, and texts
of funding carry the national-number check.

The fields are found the same way as in tests/test_erasure.py: every text field that
anonymisation erases is about a person. Each must be listed here with the form fields it
is typed in, or as not typed as free text (with why), so a new field fails until it is
guarded."""

from __future__ import annotations

from collections.abc import Callable

from django import forms

from digibank.appointments import forms as appointment_forms
from digibank.core.credentials import validate_no_credentials
from digibank.core.validators import validate_no_national_number
from digibank.funding.forms import applications, reports, reviews
from digibank.funding.models import Criterion, Question, QuestionKind
from digibank.helpdesk import forms as help_forms
from digibank.lending import forms as lending_forms
from digibank.people import forms as people_forms

from .test_erasure import declarations, models_about_people

FormField = Callable[[], forms.Field]


def _base(form: type[forms.Form], name: str) -> FormField:
    return lambda: form.base_fields[name]


def _built(make: Callable[[], forms.Form], name: str) -> FormField:
    return lambda: make().fields[name]


TYPED_IN: dict[tuple[str, str], list[FormField]] = {
    ("people.Participant", "given_name"): [
        _base(people_forms.ParticipantForm, "given_name"),
        _base(help_forms.HelpForm, "given_name"),
        _base(appointment_forms.NewPersonForm, "given_name"),
    ],
    ("people.Participant", "family_name"): [
        _base(people_forms.ParticipantForm, "family_name"),
        _base(help_forms.HelpForm, "family_name"),
        _base(appointment_forms.NewPersonForm, "family_name"),
    ],
    ("appointments.Appointment", "about"): [_base(appointment_forms.BookingForm, "about")],
    ("appointments.Appointment", "what_to_bring"): [
        _base(appointment_forms.BookingForm, "what_to_bring")
    ],
    ("appointments.QueueTicket", "name"): [_base(appointment_forms.TicketForm, "name")],
    ("helpdesk.HelpQuestion", "note"): [_base(help_forms.HelpForm, "note")],
    ("helpdesk.HelpQuestion", "referred_to"): [_base(help_forms.HelpForm, "referred_to")],
    ("helpdesk.HelpQuestion", "follow_up_outcome"): [_base(help_forms.FollowUpDoneForm, "outcome")],
    ("helpdesk.HelpQuestion", "withdraw_reason"): [_base(help_forms.WithdrawForm, "reason")],
    ("lending.Loan", "police_report"): [_base(lending_forms.LossForm, "police_report")],
    ("helpdesk.Mandate", "holder_name"): [_base(help_forms.MandateForm, "holder_name")],
    ("helpdesk.Mandate", "note"): [_base(help_forms.MandateForm, "note")],
    ("lending.Loan", "goals_plan"): [
        _base(lending_forms.LoanTermsForm, "goals_plan"),
        _base(lending_forms.CheckoutForm, "goals_plan"),
        _base(lending_forms.ClassAssignForm, "goals_plan"),
    ],
    ("lending.Loan", "damage_note"): [_base(lending_forms.ReturnForm, "damage_note")],
    ("lending.Loan", "return_note"): [
        _base(lending_forms.ReturnForm, "note"),
        _base(lending_forms.BulkReturnForm, "note"),
        _built(lambda: lending_forms.BulkReturnForm(rows=[(1, "DB1")]), "note_1"),
    ],
    ("lending.DeviceRequest", "needs_note"): [_base(lending_forms.RequestForm, "needs_note")],
    ("lending.DeviceRequest", "skip_reason"): [_base(lending_forms.RemoveForm, "reason")],
    ("lending.DeviceRequest", "urgency_reason"): [_base(lending_forms.UrgencyForm, "reason")],
    ("lending.WaitingPass", "reason"): [_base(lending_forms.PassOverForm, "reason")],
    ("lending.Loan", "waiting_override_reason"): [
        _base(lending_forms.CheckoutForm, "waiting_override_reason"),
        _base(lending_forms.RenewForm, "waiting_override_reason"),
    ],
    ("lending.LoanSignature", "signer_name"): [_base(lending_forms.ScreenSignForm, "signer_name")],
    ("lending.LoanDeposit", "waiver_reason"): [
        _built(lambda: lending_forms.DepositCollectForm(due_cents=100), "deposit_waiver_reason"),
        _built(lambda: lending_forms.CheckoutForm(deposit_cents=100), "deposit_waiver_reason"),
    ],
    ("lending.LoanDeposit", "kept_reason"): [
        _built(lambda: lending_forms.DepositRefundForm(received_cents=100), "deposit_kept_reason"),
        _built(lambda: lending_forms.ReturnForm(deposit_received_cents=100), "deposit_kept_reason"),
    ],
}

# Erased, but not typed as free text: their own format rules leave no room for a PIN.
NOT_FREE_TEXT: dict[tuple[str, str], str] = {
    ("people.Participant", "phone"): "digits and + / . - only (people.validation.clean_phone)",
    ("people.Participant", "email"): "an e-mail address, checked as one",
    ("people.Participant", "postcode"): "four digits of a Belgian postcode",
    ("people.Participant", "given_key"): "made by the services from the given name",
    ("people.Participant", "family_key"): "made by the services from the family name",
    ("people.Participant", "family_tail_key"): "made by the services from the family name",
    ("people.Participant", "phone_digits"): "made by the services from the phone number",
    ("people.Participant", "phone_reversed"): "made by the services from the phone number",
    ("lending.LoanSignature", "image"): "a drawn signature (PNG), not text",
}


def erased_fields() -> set[tuple[str, str]]:
    declared = declarations()
    return {
        (model._meta.label, name)
        for model in models_about_people()
        if model in declared
        for name in declared[model].erase
    }


def test_every_text_about_a_person_is_accounted_for() -> None:
    listed = set(TYPED_IN) | set(NOT_FREE_TEXT)
    assert erased_fields() - listed == set(), "list the form fields these are typed in"
    assert listed - erased_fields() == set(), "these are no longer erased: update the lists"


def test_every_form_field_about_a_person_carries_the_guard() -> None:
    unguarded = [
        f"{label}.{name} (form field {index + 1})"
        for (label, name), fields in TYPED_IN.items()
        for index, field in enumerate(fields)
        if validate_no_credentials not in field().validators
    ]
    assert unguarded == []


def test_funding_texts_refuse_a_national_number() -> None:
    text, long_text = (
        Question(pk=pk, kind=kind, label="Q", help_text="")
        for pk, kind in ((1, QuestionKind.TEXT), (2, QuestionKind.LONG_TEXT))
    )
    answers = applications.AnswersForm(questions=[text, long_text], answers={})
    scores = reviews.ScoreForm(
        criteria=[Criterion(pk=3, name="Reach", description="")],
        scale_max=4,
        scores={},
        comment="",
    )
    fields = {
        "summary": applications.GeneralForm.base_fields["summary"],
        "short answer": answers.fields[applications.answer_field_name(text)],
        "long answer": answers.fields[applications.answer_field_name(long_text)],
        "narrative": reports.NarrativeForm.base_fields["narrative"],
        "next steps": reports.NarrativeForm.base_fields["next_steps"],
        "report review": reports.ReviewForm.base_fields["comment"],
        "conflict": reviews.ConflictForm.base_fields["note"],
        "review": scores.fields["comment"],
        "criterion comment": scores.fields["comment_3"],
    }
    unguarded = [
        name
        for name, field in fields.items()
        if validate_no_national_number not in field.validators
    ]
    assert unguarded == []
