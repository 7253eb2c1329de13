"""Where higher apps plug into the help desk without the help desk importing them.

Training providers: the learning app shows a digihelper's trainings on their profile::

    def trainings(user, hub):
        return [TrainingItem(title=..., when=...) for ... in ...]

    register_training_provider(trainings)

A provider returns a short list (a fixed few queries, whatever the history)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class TrainingItem:
    title: str | Promise
    when: date | None = None
    detail: str | Promise = ""


# provider(user, hub) -> the user's trainings.
TrainingProvider = Callable[[Any, Any], list[TrainingItem]]

_training_providers: list[TrainingProvider] = []


def register_training_provider(provider: TrainingProvider) -> None:
    if provider not in _training_providers:
        _training_providers.append(provider)


def trainings_for(user: Any, hub: Any) -> list[TrainingItem]:
    items: list[TrainingItem] = []
    for provider in _training_providers:
        items.extend(provider(user, hub))
    return items
