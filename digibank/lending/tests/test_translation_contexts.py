"""One English word, two meanings: a retired device and a retired person, a loan's
due date and a report's, are different words in Dutch and French (pgettext contexts)."""

from __future__ import annotations

import pytest
from django.utils import translation

from digibank.devices.models import DeviceStatus
from digibank.funding.models import Report
from digibank.lending.models import Loan, OfferStatus
from digibank.people.models import VisitorStatus


@pytest.mark.parametrize(
    ("language", "device", "person"),
    [
        ("nl", "Afgevoerd", "Gepensioneerd"),
        ("fr", "Retiré", "Pensionné"),
        ("en", "Retired", "Retired"),
    ],
)
def test_retired_device_and_retired_person(language: str, device: str, person: str) -> None:
    with translation.override(language):
        assert str(DeviceStatus.RETIRED.label) == device
        assert str(VisitorStatus.RETIRED.label) == person


def test_due_on_of_a_loan_and_of_a_report() -> None:
    with translation.override("nl"):
        loan = str(Loan._meta.get_field("due_on").verbose_name)
        report = str(Report._meta.get_field("due_on").verbose_name)
    assert loan == "terug te brengen op"
    assert report == "in te dienen op"


def test_an_open_offer_agrees_in_french() -> None:
    with translation.override("fr"):
        assert str(OfferStatus.OPEN.label) == "Ouverte"
