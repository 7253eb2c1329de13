"""When two records of one person are merged, their lending rows move to the survivor."""

from __future__ import annotations

from typing import Any

from digibank.people.models import Participant

from .models import DeviceRequest, EvidenceCheck, Loan


def move_lending_rows(source: Participant, target: Participant, actor: Any) -> None:
    Loan.objects.filter(participant=source).update(participant=target)
    DeviceRequest.objects.filter(participant=source).update(participant=target)
    kept = set(EvidenceCheck.objects.filter(participant=target).values_list("kind", flat=True))
    EvidenceCheck.objects.filter(participant=source, kind__in=kept).delete()
    EvidenceCheck.objects.filter(participant=source).update(participant=target)
