"""The demo extension: shifts, appointments and walk-in tickets at the tiny scale, the
same for the same seed, never beyond a slot's desks."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from digibank.appointments.models import Appointment, QueueTicket, Shift, Status

pytestmark = pytest.mark.django_db


def test_tiny_demo_has_a_rota_appointments_and_tickets() -> None:
    out = StringIO()
    call_command("demo_data", scale="tiny", seed=7, stdout=out)
    assert "appointments:" in out.getvalue()
    assert Shift.objects.exists()
    assert Appointment.objects.filter(status=Status.BOOKED).exists()
    assert Appointment.objects.filter(status=Status.DONE).exists()
    assert QueueTicket.objects.exists()
    busiest = (
        Appointment.objects.filter(status=Status.BOOKED)
        .values("location", "starts_at")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None
    assert busiest["n"] <= 2
