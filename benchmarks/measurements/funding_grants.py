"""Funding: the officer's page of the big hub's grant (account, instalments, amendments,
the users reached counted live with the payment rule in words, and what was left out).
Its own module, next to benchmarks/measurements/funding.py, so the grant cycle and the
report work never edit the same file."""

from __future__ import annotations

from dataclasses import replace

from django.urls import reverse

from digibank.funding.models import Grant

from ..registry import Bench, Result, Skip, measurement, signed_in_client
from .funding import _officer, _source_rows


@measurement("funding.grant_page", order=930)
def grant_page(bench: Bench) -> Result:
    """The officer's grant page of the big hub's grant: one exact reach count, the tiers,
    the uncounted anonymous help, the plan and the amendments."""
    grant = Grant.objects.filter(hub=bench.hub).order_by("-starts_on", "pk").first()
    if grant is None:
        raise Skip("the hub has no grant (no funding demo data)")
    url = reverse(
        "funding_grants:detail", kwargs={"programme": grant.programme.slug, "pk": grant.pk}
    )
    as_officer = replace(bench, client=signed_in_client(_officer(bench)))
    return as_officer.page_result(
        "funding.grant_page", [url] * (bench.warmup + bench.requests), rows=_source_rows()
    )
