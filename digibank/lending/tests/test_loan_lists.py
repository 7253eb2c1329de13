"""The loan list's search and exports, the repeated overdue reminders and the
coordinator's follow-up list (organisation loans included)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from digibank.accounts.models import User
from digibank.lending import reminders, services, tasks
from digibank.lending.models import Loan, OrganisationLoan
from digibank.network.models import Hub

from .conftest import MakeDevice, MakeParticipant, lending_url

pytestmark = pytest.mark.django_db


def _lend(staff: User, hub: Hub, device: Any, person: Any, *, due_in: int | None = None) -> Loan:
    loan = services.loan_checkout(actor=staff, hub=hub, device=device, participant=person)
    if due_in is not None:
        Loan.objects.filter(pk=loan.pk).update(due_on=timezone.localdate() + timedelta(days=due_in))
        loan.refresh_from_db()
    return loan


@pytest.fixture
def three_loans(
    staff: User,
    coordinator: User,
    hub: Hub,
    make_device: MakeDevice,
    make_participant: MakeParticipant,
) -> list[Loan]:
    services.policy_update(actor=coordinator, hub=hub, data={"max_concurrent_loans": 5})
    lina = make_participant(given_name="Lina", family_name="Janssens")
    omar = make_participant(given_name="=SUM(1)", family_name="Omar")
    return [
        _lend(staff, hub, make_device(kind="monitor"), lina, due_in=-5),
        _lend(staff, hub, make_device(kind="headset"), omar, due_in=10),
        _lend(staff, hub, make_device(kind="monitor"), omar, due_in=40),
    ]


def _listed(client: Any, hub: Hub, **params: str) -> set[int]:
    response = client.get(lending_url(hub, "list"), params)
    assert response.status_code == 200
    return {loan.pk for loan in response.context["page"].object_list}


def test_search_by_name_tag_kind_due_date_and_overdue(
    staff: User, hub: Hub, three_loans: list[Loan], client_for: Any
) -> None:
    lina, omar_laptop, omar_monitor = three_loans
    client = client_for(staff)
    assert _listed(client, hub, q="lina") == {lina.pk}
    assert _listed(client, hub, q="janssens lina") == {lina.pk}
    assert _listed(client, hub, q=str(omar_laptop.device.tag).lower()) == {omar_laptop.pk}
    assert _listed(client, hub, kind="monitor") == {lina.pk, omar_monitor.pk}
    assert _listed(client, hub, state="overdue") == {lina.pk}
    until = (timezone.localdate() + timedelta(days=20)).isoformat()
    assert _listed(client, hub, due_until=until) == {lina.pk, omar_laptop.pk}
    start = timezone.localdate().isoformat()
    assert _listed(client, hub, due_from=start, due_until=until) == {omar_laptop.pk}


def test_a_due_range_the_wrong_way_round_is_explained(
    staff: User, hub: Hub, client_for: Any
) -> None:
    response = client_for(staff).get(
        lending_url(hub, "list"), {"due_from": "2026-05-01", "due_until": "2026-04-01"}
    )
    assert response.status_code == 200
    assert "must not be before" in response.content.decode()


def test_the_list_page_stays_within_its_queries(
    staff: User,
    hub: Hub,
    three_loans: list[Loan],
    client_for: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(staff)
    with django_assert_max_num_queries(16):
        assert (
            client.get(lending_url(hub, "list"), {"q": "omar", "kind": "monitor"}).status_code
            == 200
        )


def test_exports_hold_the_search_and_are_formula_safe(
    coordinator: User, hub: Hub, three_loans: list[Loan], client_for: Any
) -> None:
    client = client_for(coordinator)
    response = client.get(lending_url(hub, "export_csv"), {"q": "omar"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Asset tag"
    assert len(rows) == 3
    assert all(row[2].startswith("'=SUM(1)") for row in rows[1:])  # text, not a formula

    response = client.get(lending_url(hub, "export_xlsx"), {"state": "overdue"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 2
    assert values[1][2] == "Lina Janssens"
    assert values[1][7] == "yes"


def test_staff_who_lend_may_not_export(staff: User, hub: Hub, client_for: Any) -> None:
    assert client_for(staff).get(lending_url(hub, "export_csv")).status_code == 403


# --- reminders --------------------------------------------------------------------------


def test_reminder_steps() -> None:
    steps = (1, 7, 14)
    assert [reminders.step_reached(days, steps) for days in (0, 1, 6, 7, 13, 14, 90)] == [
        None,
        0,
        0,
        1,
        1,
        2,
        2,
    ]


def test_overdue_reminders_repeat_at_the_policy_days_and_end_with_contact_us(
    staff: User,
    coordinator: User,
    hub: Hub,
    make_device: MakeDevice,
    make_participant: MakeParticipant,
) -> None:
    services.policy_update(actor=coordinator, hub=hub, data={"overdue_reminder_days": [2, 5]})
    person = make_participant(email="ana@example.org", preferred_language="en")
    loan = _lend(staff, hub, make_device(), person, due_in=-1)
    assert tasks.send_loan_reminders.call() == 0  # one day late: before the first step

    Loan.objects.filter(pk=loan.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    assert tasks.send_loan_reminders.call() == 1
    assert tasks.send_loan_reminders.call() == 0
    assert mail.outbox[-1].subject == "Your device is late"

    Loan.objects.filter(pk=loan.pk).update(due_on=timezone.localdate() - timedelta(days=9))
    assert tasks.send_loan_reminders.call() == 1
    assert "please contact us" in mail.outbox[-1].subject
    assert tasks.send_loan_reminders.call() == 0


def test_policy_refuses_reminder_days_out_of_range(coordinator: User, hub: Hub) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.policy_update(actor=coordinator, hub=hub, data={"overdue_reminder_days": [0, 3]})


def test_policy_form_reads_reminder_days(coordinator: User, hub: Hub, client_for: Any) -> None:
    from digibank.lending.forms import PolicyForm

    form = PolicyForm(initial=PolicyForm.initial_for(services.queries.policy_for(hub)))
    data = {name: form[name].initial for name in form.fields if form[name].initial is not None}
    data.update({"overdue_reminder_days": "14, 3 7", "deposit_euros": "0"})
    bound = PolicyForm(data)
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["overdue_reminder_days"] == [3, 7, 14]
    assert not PolicyForm({**data, "overdue_reminder_days": "3, soon"}).is_valid()


def test_follow_up_list_shows_name_phone_link_and_organisation_loans(
    staff: User,
    coordinator: User,
    hub: Hub,
    make_device: MakeDevice,
    make_participant: MakeParticipant,
    client_for: Any,
    django_assert_max_num_queries: Any,
) -> None:
    person = make_participant(given_name="Ana", family_name="Silva", phone="0470 12 34 56")
    loan = _lend(staff, hub, make_device(), person, due_in=-20)
    client = client_for(coordinator)
    with django_assert_max_num_queries(16):
        response = client.get(lending_url(hub, "overdue"))
    page = response.content.decode()
    assert "Ana Silva" in page
    assert "0470" in page
    assert lending_url(hub, "loan", pk=loan.pk) in page
    assert "Call them" in page  # past the last reminder (14 days by default)
    assert client_for(staff).get(lending_url(hub, "overdue")).status_code == 403


def test_organisation_loans_past_their_date_reach_the_daily_summary_and_dashboard(
    coordinator: User, hub: Hub, make_device: MakeDevice, client_for: Any
) -> None:
    from .test_organisation_loans import _hand_over, _reserve

    reservation = _reserve(coordinator, hub, [make_device()])
    loan = _hand_over(coordinator, reservation)
    OrganisationLoan.objects.filter(pk=loan.pk).update(
        due_on=timezone.localdate() - timedelta(days=3)
    )
    assert tasks.send_overdue_summaries.call() == 1
    assert "Basisschool De Regenboog" in mail.outbox[-1].body
    page = client_for(coordinator).get(lending_url(hub, "overdue")).content.decode()
    assert "Basisschool De Regenboog" in page
    dashboard = client_for(coordinator).get(reverse("network:dashboard", kwargs={"hub": hub.slug}))
    assert "loan to an organisation past its date" in dashboard.content.decode()


def test_formula_safe_keeps_numbers_and_quotes_formulas() -> None:
    from digibank.core.spreadsheets import formula_safe

    assert formula_safe("=1+1") == "'=1+1"
    assert formula_safe("@cmd") == "'@cmd"
    assert formula_safe("-12.5") == "-12.5"
    assert formula_safe(7) == 7


# --- dates in range ---------------------------------------------------------------------


def test_a_reservation_cannot_start_in_the_past(hub: Hub) -> None:
    from digibank.lending.forms import ReservationForm

    yesterday = timezone.localdate() - timedelta(days=1)
    form = ReservationForm(
        {
            "purpose": "Course",
            "starts_on": yesterday.isoformat(),
            "ends_on": (yesterday - timedelta(days=2)).isoformat(),
            "tags": "DB1",
        },
        partners=hub.partners.all(),
    )
    assert not form.is_valid()
    assert "cannot start in the past" in str(form.errors["starts_on"])
    assert "on or after the start date" in str(form.errors["ends_on"])


def test_device_intake_is_not_in_the_future_nor_before_1990(staff: User, hub: Hub) -> None:
    from django.core.exceptions import ValidationError

    from digibank.devices.services import device_register, device_update

    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match="future"):
        device_register(actor=staff, hub=hub, kind="monitor", intake_date=tomorrow)
    with pytest.raises(ValidationError, match="1990"):
        device_register(actor=staff, hub=hub, kind="monitor", intake_date=date(1989, 12, 31))
    device = device_register(actor=staff, hub=hub, kind="monitor", intake_date=date(1990, 1, 1))
    with pytest.raises(ValidationError, match="future"):
        device_update(actor=staff, device=device, intake_date=tomorrow)


def test_checkout_and_renewal_keep_the_due_date_after_the_start(
    staff: User, hub: Hub, make_device: MakeDevice, make_participant: MakeParticipant
) -> None:
    loan = _lend(staff, hub, make_device(), make_participant())
    assert loan.due_on is not None
    assert loan.due_on > timezone.localdate(loan.started_at)
    Loan.objects.filter(pk=loan.pk).update(due_on=timezone.localdate() - timedelta(days=30))
    renewed = services.loan_renew(actor=staff, loan=loan)
    assert renewed.due_on is not None
    assert renewed.due_on > timezone.localdate()
