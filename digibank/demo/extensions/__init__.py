"""Demo data of the apps above people (help desk, learning, lending, ...). Each app adds
a module here with

    def seed(*, hubs: list[HubSeed], scale: Scale, seed: int, now: datetime, out: Output) -> None

(and optionally ORDER = <int>, default 100: a module that needs another's rows runs
after it), called inside the demo build's transaction after hubs, teams, help points and
participants exist. It must be deterministic for a seed, and at the large scale write
its big tables with digibank.demo.bulk (executemany / COPY), not row by row."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def extension_modules() -> list[ModuleType]:
    modules = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
    ]
    return sorted(modules, key=lambda module: (getattr(module, "ORDER", 100), module.__name__))
