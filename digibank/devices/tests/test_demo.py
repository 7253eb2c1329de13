"""The device bank's demo data: every hub has devices in every status, valid tags, and
a passed wipe for every data-bearing device past the wipe."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from digibank.devices.models import DATA_BEARING_KINDS, Device, tag_is_well_formed
from digibank.devices.services import latest_passed_wipe
from digibank.network.models import Hub

pytestmark = pytest.mark.django_db


def test_tiny_demo_has_devices_in_every_hub() -> None:
    started = time.perf_counter()
    out = StringIO()
    call_command("demo_data", scale="tiny", seed=7, stdout=out)
    assert time.perf_counter() - started < 60
    assert "devices:" in out.getvalue()
    per_hub = dict(Device.objects.values_list("hub").annotate(n=Count("pk")))
    assert set(per_hub) == set(Hub.objects.values_list("pk", flat=True))
    assert all(n == 8 for n in per_hub.values())
    statuses = set(Device.objects.values_list("status", flat=True))
    assert {"ready", "on_loan", "received", "in_repair"} <= statuses
    for device in Device.objects.all():
        assert tag_is_well_formed(device.tag or "")
        assert device.location is None or device.location.hub_id == device.hub_id
        if device.kind in DATA_BEARING_KINDS and device.status in ("ready", "on_loan"):
            assert latest_passed_wipe(device) is not None
