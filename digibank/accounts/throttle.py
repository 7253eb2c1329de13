"""Who is asking, and how often: the client's IP address behind trusted proxies, and
rate limits kept in the database (the one store every web process shares).

- `client_ip` is the one answer to "which address is this request from", used by
  django-axes (AXES_CLIENT_IP_CALLABLE) and by the limits below.
- `over_limit` counts tries of one kind per key (sign-up or password reset per IP and per
  e-mail address) in a fixed window.
- Failed sign-ins are counted per IP across all usernames: after a few, each next try
  from that IP waits twice as long (password spraying slows to a crawl), while the
  per-(username, IP) lock of django-axes means nobody elsewhere can lock a user out.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .models import RateCounter

# Sign-up and password reset: at most this many tries per window.
SIGNUP_LIMITS = {"ip": 10, "email": 3}
RESET_LIMITS = {"ip": 10, "email": 3}
LIMIT_WINDOW = timedelta(hours=1)

# Failed sign-ins from one IP (any usernames) before each next one must wait, and how
# long a run of failures is remembered after the last one.
FREE_FAILURES_PER_IP = 10
FAILURE_MEMORY = timedelta(hours=1)
MAX_DELAY_SECONDS = 15 * 60


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind `TRUSTED_PROXY_COUNT` proxies, each appends the
    address it saw to X-Forwarded-For, so the client is that many entries from the right;
    anything further left was written by the client and is ignored."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    chain = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
    if len(chain) < proxies:
        return remote  # did not come through all our proxies
    return _valid_ip(chain[-proxies]) or remote


def _counter_hit(key: str, *, window: timedelta, since_last: bool) -> RateCounter:
    """Count one try for the key; start afresh when the window (from the first try, or
    from the last one when `since_last`) has passed."""
    now = timezone.now()
    with transaction.atomic():
        counter, _created = RateCounter.objects.select_for_update().get_or_create(
            key=key[:200], defaults={"started_at": now, "last_at": now}
        )
        if (counter.last_at if since_last else counter.started_at) <= now - window:
            counter.started_at, counter.count = now, 0
        counter.count += 1
        counter.last_at = now
        counter.save()
    return counter


def over_limit(kind: str, *, request: HttpRequest, email: str, limits: dict[str, int]) -> int:
    """Count a try of `kind` from this IP and for this address; the seconds to wait when
    either is over its limit, else 0. Counted whether or not the address has an account,
    so the answer tells nothing about it."""
    keys = {"ip": client_ip(request), "email": email.strip().lower()}
    wait = 0
    for part, limit in limits.items():
        counter = _counter_hit(f"{kind}:{part}:{keys[part]}", window=LIMIT_WINDOW, since_last=False)
        if counter.count > limit:
            left = counter.started_at + LIMIT_WINDOW - timezone.now()
            wait = max(wait, math.ceil(left.total_seconds()))
    return wait


def _failure_key(request: HttpRequest) -> str:
    return f"login-failure:ip:{client_ip(request)}"


def sign_in_failed(request: HttpRequest) -> None:
    _counter_hit(_failure_key(request), window=FAILURE_MEMORY, since_last=True)


def sign_in_wait(request: HttpRequest) -> int:
    """Seconds this IP must still wait before its next sign-in try: 0 for the first
    FREE_FAILURES_PER_IP failures, then 1, 2, 4 … seconds after the last failure, at most
    15 minutes."""
    counter = RateCounter.objects.filter(key=_failure_key(request)).first()
    if counter is None or counter.count < FREE_FAILURES_PER_IP:
        return 0
    now = timezone.now()
    if counter.last_at <= now - FAILURE_MEMORY:
        return 0
    delay = min(2 ** min(counter.count - FREE_FAILURES_PER_IP, 20), MAX_DELAY_SECONDS)
    left = counter.last_at + timedelta(seconds=delay) - now
    return max(0, math.ceil(left.total_seconds()))


def too_many_requests(request: HttpRequest, wait_seconds: int) -> HttpResponse:
    """429 in the user's language with Retry-After; it says nothing about any address."""
    minutes = max(1, math.ceil(wait_seconds / 60))
    response = render(request, "accounts/too_many_requests.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(wait_seconds)
    return response
