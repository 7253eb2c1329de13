"""Fixtures of the cross-app tests (tenancy walk, browser journeys). The root
conftest.py holds the shared world: hubs, users per role, signed-in clients."""

from __future__ import annotations
