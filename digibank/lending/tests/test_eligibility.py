"""Every rule of the pure eligibility function, with its plain-language reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.utils import translation

from digibank.lending.eligibility import Applicant, evaluate


@dataclass
class Rules:
    target_groups: list[str] = field(default_factory=list)
    residence_required: bool = False
    required_evidence: list[str] = field(default_factory=list)
    max_concurrent_loans: int = 1


@pytest.fixture(autouse=True)
def english() -> object:
    with translation.override("en"):
        yield


def test_an_open_policy_lends_to_everyone() -> None:
    decision = evaluate(Rules(), Applicant(), [])
    assert decision.eligible
    assert decision.reasons == ["This hub lends to everyone."]


def test_target_group_must_match() -> None:
    rules = Rules(target_groups=["jobseeker", "low_income"])
    yes = evaluate(rules, Applicant(target_groups=frozenset({"jobseeker"})), [])
    no = evaluate(rules, Applicant(target_groups=frozenset({"senior"})), [])
    assert yes.eligible
    assert "Belongs to a group that may borrow: Jobseeker." in yes.reasons
    assert not no.eligible
    assert "Does not belong to a group that may borrow" in no.reasons[0]


def test_residence_in_the_service_area() -> None:
    rules = Rules(residence_required=True)
    assert evaluate(rules, Applicant(lives_in_service_area=True), []).eligible
    outside = evaluate(rules, Applicant(lives_in_service_area=False), [])
    unknown = evaluate(rules, Applicant(lives_in_service_area=None), [])
    assert not outside.eligible
    assert outside.reasons == ["Does not live in the hub's area."]
    assert not unknown.eligible
    assert "Add the municipality" in unknown.reasons[0]


def test_required_evidence_must_have_been_seen() -> None:
    rules = Rules(required_evidence=["increased_allowance", "social_worker"])
    partly = evaluate(rules, Applicant(), ["increased_allowance"])
    assert not partly.eligible
    assert "Evidence seen: Proof of increased allowance." in partly.reasons
    assert "Evidence still to be seen: Referral by a social worker." in partly.reasons
    assert evaluate(rules, Applicant(), ["social_worker", "increased_allowance"]).eligible


def test_max_concurrent_loans() -> None:
    rules = Rules(max_concurrent_loans=2)
    assert evaluate(rules, Applicant(open_loans=1), []).eligible
    full = evaluate(rules, Applicant(open_loans=2), [])
    assert not full.eligible
    assert full.reasons == ["Already has 2 device(s) on loan; the most is 2."]


def test_all_failing_rules_are_listed() -> None:
    rules = Rules(target_groups=["pupil"], residence_required=True, required_evidence=["school"])
    decision = evaluate(rules, Applicant(lives_in_service_area=False), [])
    assert not decision.eligible
    assert len(decision.reasons) == 3
