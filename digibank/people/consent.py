"""Consent bookkeeping. Every consent row names the version of the privacy notice the
person was told about; change this constant when the notice text changes, so later
consents are recorded under the new version and older ones keep theirs."""

from __future__ import annotations

PRIVACY_NOTICE_VERSION = "2025-1"
