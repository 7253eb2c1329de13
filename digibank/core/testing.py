"""Test support for concurrency tests: start several actions at the same moment.

Each action runs on its own real thread with its own database connection; a barrier
releases them together, so they race for the same rows on SQLite and PostgreSQL alike.
What each one ended with comes back as an `Outcome`; `labels` turns a list of outcomes
into short sorted texts to compare in assertions::

    outcomes = run_at_once([checkout(person) for person in people])
    assert labels(outcomes) == ["done"] + ["refused"] * 19

Use it from tests marked ``@pytest.mark.django_db(transaction=True)``: the threads need
to see committed rows. The application itself never imports this module.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connections

__all__ = ["Outcome", "labels", "run_at_once"]


@dataclass(frozen=True, slots=True)
class Outcome[T]:
    """What one action ended with: the value it returned, or the exception it raised."""

    value: T | None = None
    error: Exception | None = None

    @property
    def refused(self) -> bool:
        """The action was refused with a ValidationError (the service's clear "no")."""
        return isinstance(self.error, ValidationError)

    @property
    def messages(self) -> list[str]:
        """The messages of the ValidationError the action was refused with, if any."""
        return self.error.messages if isinstance(self.error, ValidationError) else []

    def label(self, *, messages: bool = False) -> str:
        """A short text for assertions.

        - ``"done"``, or the returned value itself when the action returns a string;
        - ``"refused"`` for a ValidationError, or ``"refused: <its messages>"`` with
          ``messages=True``;
        - ``"error: <repr>"`` for any other exception, so a failing assertion shows it.
        """
        if self.error is None:
            return self.value if isinstance(self.value, str) else "done"
        if isinstance(self.error, ValidationError):
            return "refused: " + " ".join(self.messages) if messages else "refused"
        return f"error: {self.error!r}"


def labels[T](outcomes: Sequence[Outcome[T]], *, messages: bool = False) -> list[str]:
    """The outcomes' labels (see `Outcome.label`), sorted so thread order does not matter."""
    return sorted(outcome.label(messages=messages) for outcome in outcomes)


def run_at_once[T](
    actions: Sequence[Callable[[], T]], *, timeout: float = 60.0
) -> list[Outcome[T]]:
    """Run the actions together, each on its own thread, released at once by a barrier.

    Returns one `Outcome` per action, in the order of `actions`. Every exception an
    action raises is caught and returned (never lost in the thread); each thread closes
    its own database connections when done. An action still running after `timeout`
    seconds (counted for all threads together) ends as a ``TimeoutError`` outcome.
    """
    if not actions:
        return []
    start = threading.Barrier(len(actions), timeout=timeout)
    ended: list[Outcome[T] | None] = [None] * len(actions)

    def worker(index: int, action: Callable[[], T]) -> None:
        try:
            start.wait()
            ended[index] = Outcome(value=action())
        except Exception as error:  # returned in the outcome, never swallowed
            ended[index] = Outcome(error=error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(index, action), daemon=True)
        for index, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    return [
        outcome
        if outcome is not None and not thread.is_alive()
        else Outcome(error=TimeoutError(f"still running after {timeout:g} seconds"))
        for thread, outcome in zip(threads, ended, strict=True)
    ]
