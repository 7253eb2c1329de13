"""Each app that adds hub-owned records adds a module here, so the tenancy walk covers
them without editing world.py or urlwalk.py. A module may define:

- `fill(side, *, label, colleague, location, participants)`: create one or two rows of
  each new kind for that hub with `side.add(kind, *rows)`, and list text another hub must
  never see in `side.personal_data` (a person's data) or `side.hub_records`;
- `KWARG_KINDS`, `KIND_ALIASES`, `APP_DEFAULT_KIND`: lessons for the URL walker, merged
  into the dicts of the same names in tests/urlwalk.py;
- `EXTRA_ROLES` and `make_users(*, make_user, programme) -> {role: user}`: more signed-in
  roles to walk as (they see no personal data), created before `fill` (side A's `fill`
  finds them in `side.users`);
- `OPENER_ROLES`: URL namespace -> the role that opens side A's own records there (the
  walker checks it does not get 404, which would mean a wrongly guessed kind); defaults:
  the coordinator on hub pages, the programme officer on programme pages;
- `PUBLIC_URL_NAMES`: URLs anyone may open for any record (a published call): walked for
  server errors and leaks, not expected to refuse;
- `NEUTRAL_KWARGS`: kwarg name -> `(world, side name) -> value` for kwargs that are not a
  record's id, such as the secret token of a public link.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def extension_modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name)
    ]
