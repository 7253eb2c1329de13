"""The demo's lending data: a policy per hub, one open loan per device on loan."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from digibank.devices.models import Device, DeviceStatus
from digibank.lending.models import DeviceRequest, LendingPolicy, Loan


@pytest.mark.django_db
def test_tiny_demo_lends_the_devices_on_loan() -> None:
    out = StringIO()
    call_command("demo_data", scale="tiny", seed=7, stdout=out)
    assert "lending:" in out.getvalue()
    on_loan = set(Device.objects.filter(status=DeviceStatus.ON_LOAN).values_list("pk", flat=True))
    open_loans = set(
        Loan.objects.filter(returned_at__isnull=True).values_list("device_id", flat=True)
    )
    assert on_loan
    assert on_loan == open_loans
    assert Loan.objects.filter(returned_at__isnull=False).exists()
    assert LendingPolicy.objects.count() >= 1
    assert DeviceRequest.objects.exists()
