"""Anonymisation erases everything about a person, in every app.

Every model that refers to a participant (directly, or through a model that does, such
as a loan's signature) declares each of its text fields to people.registry: erased, or
kept with the reason it says nothing about the person. These tests find those models
themselves, so a new model or field that nobody declared fails here; and they prove the
erasure on real rows of the tenancy world (tests/world.py), in the database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

from digibank.accounts.models import User
from digibank.lending.models import Loan
from digibank.network.models import Hub
from digibank.people import services
from digibank.people.models import Participant
from digibank.people.registry import AnonymiseFields, anonymise_fields, contact_sources

from .world import World, build_world

MARKER = "Kwispeldoorn-erase-me"
# What can hold words or an image of the person (a file too: its app must also delete
# the file from storage, with a register_anonymise_handler).
TEXT_FIELDS = (
    models.CharField,
    models.TextField,
    models.JSONField,
    models.BinaryField,
    models.FileField,
)


def models_about_people() -> list[type[models.Model]]:
    """Participant, every model with a foreign key (or many-to-many) to it, and every model
    with one to those (a loan's deposit, an enrolment's attendance), to any depth."""
    found: list[type[models.Model]] = [Participant]
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model not in found and any(
                field.is_relation and field.related_model in found
                for field in [*model._meta.concrete_fields, *model._meta.many_to_many]
            ):
                found.append(model)
                grew = True
    return found


def text_fields(model: type[models.Model]) -> set[str]:
    """Fields that can hold words: everything textual except codes from a fixed list."""
    return {
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, TEXT_FIELDS) and not field.choices and not field.primary_key
    }


def declarations() -> dict[type[models.Model], AnonymiseFields]:
    return {declared.model: declared for declared in anonymise_fields()}


def reaches_participant(model: type[models.Model], via: str) -> bool:
    if via == "pk":
        return model is Participant
    target: Any = model
    for step in via.split("__"):
        target = target._meta.get_field(step).related_model
    return target is Participant


def test_the_enumeration_finds_the_models_the_issue_names() -> None:
    labels = {model._meta.label for model in models_about_people()}
    assert {
        "appointments.Appointment",
        "appointments.QueueTicket",
        "lending.Loan",
        "lending.LoanSignature",
        "lending.LoanDeposit",
        "lending.DeviceRequest",
        "helpdesk.HelpQuestion",
        "helpdesk.Mandate",
        "learning.Enrolment",
        "learning.Attendance",
    } <= labels


def test_every_text_field_about_a_person_is_erased_or_kept_for_a_reason() -> None:
    declared = declarations()
    problems = []
    for model in models_about_people():
        fields = text_fields(model)
        if not fields:
            continue
        label = model._meta.label
        entry = declared.get(model)
        if entry is None:
            problems.append(f"{label}: no register_anonymise_fields for {sorted(fields)}")
            continue
        named = set(entry.erase) | set(entry.keep)
        if missing := fields - named:
            problems.append(f"{label}: neither erased nor kept: {sorted(missing)}")
        if unknown := named - fields:
            problems.append(f"{label}: declares fields that hold no text: {sorted(unknown)}")
        if not all(reason.strip() for reason in entry.keep.values()):
            problems.append(f"{label}: a kept field needs its reason")
        if set(entry.erase) & set(entry.keep):
            problems.append(f"{label}: a field is both erased and kept")
        if not reaches_participant(model, entry.via):
            problems.append(f"{label}: '{entry.via}' does not lead to a participant")
    assert not problems, "\n".join(problems)


def _marked(field: Any) -> Any:
    """A value for the field that holds the marker."""
    if isinstance(field, models.BinaryField):
        return MARKER.encode()
    if isinstance(field, models.JSONField):
        return [MARKER]
    return MARKER[: field.max_length or None]


def _holds_marker(value: Any) -> bool:
    if isinstance(value, bytes | memoryview):
        return MARKER[:8].encode() in bytes(value)
    return MARKER[:8] in str(value)


@pytest.fixture
def world(hub: Hub, other_hub: Hub, make_user: Callable[..., User]) -> World:
    return build_world(hub=hub, other_hub=other_hub, make_user=make_user)


def test_anonymising_removes_the_text_from_the_database(world: World, coordinator: Any) -> None:
    """Every erasable field of every row about hub A's people holds a marker; after
    anonymising them, no row of any model about people holds it any more."""
    people = Participant.objects.filter(hub=world.a.hub)
    ids = list(people.values_list("pk", flat=True))
    empty = []
    for entry in anonymise_fields():
        rows = entry.model._default_manager.filter(**{f"{entry.via}__in": ids})
        if not entry.erase:
            continue
        if not rows.exists():
            empty.append(entry.model._meta.label)
            continue
        rows.update(**{name: _marked(entry.model._meta.get_field(name)) for name in entry.erase})
    assert not empty, f"add rows of these models about a participant to tests/world: {empty}"
    Loan.objects.filter(participant__in=ids).update(returned_at=timezone.now())

    for participant in people:
        services.participant_anonymise(actor=coordinator, participant=participant)

    left = [
        f"{model._meta.label}.{name} #{pk}"
        for model in models_about_people()
        for name in text_fields(model)
        for pk, value in model._default_manager.values_list("pk", name)
        if _holds_marker(value)
    ]
    assert not left, left


# Every service given to a person counts as contact for retention (the issue's list).
SERVICES = {
    ("lending.Loan", "started_at"),  # a loan
    ("lending.Loan", "returned_at"),  # a return
    ("learning.Enrolment", "created_at"),
    ("learning.Attendance", "recorded_at"),
    ("appointments.Appointment", "starts_at"),
    ("appointments.QueueTicket", "created_at"),
    ("helpdesk.HelpQuestion", "occurred_at"),
}


def test_every_service_counts_as_contact() -> None:
    registered = {(source.model._meta.label, source.when) for source in contact_sources()}
    assert registered >= SERVICES


def test_each_contact_source_keeps_its_person(world: World) -> None:
    """With every record old, one recent record of one source names exactly its person
    as contacted: the source's lookup reaches the right participant."""
    before = timezone.now() - settings.PARTICIPANT_RETENTION
    back = settings.PARTICIPANT_RETENTION + timedelta(days=400)  # past any future booking
    for source in contact_sources():
        source.model._default_manager.update(**{source.when: models.F(source.when) - back})
    ids = list(Participant.objects.values_list("pk", flat=True))
    assert services.latest_contacts(ids, since=before) == {}
    for source in contact_sources():
        rows = source.model._default_manager.exclude(**{f"{source.via}__isnull": True})
        pk, person = rows.values_list("pk", source.via).order_by("pk").first() or (None, None)
        label = f"{source.model._meta.label}.{source.when}"
        assert pk is not None, f"add a row of {label} about a participant to tests/world"
        row = source.model._default_manager.filter(pk=pk)
        old = row.values_list(source.when, flat=True).get()
        row.update(**{source.when: timezone.now()})
        assert list(services.latest_contacts(ids, since=before)) == [person], label
        row.update(**{source.when: old})
