from __future__ import annotations

from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


class CappedPaginator(Paginator):
    """Counts at most `limit + 1` rows: a search that matches half a hub does not pay
    for counting all of it, and the page says "more than <limit>" instead."""

    def __init__(self, object_list: Any, per_page: int, *, limit: int) -> None:
        super().__init__(object_list, per_page)
        self.limit = limit

    @cached_property
    def count(self) -> int:
        capped: Any = self.object_list[: self.limit + 1]  # a QuerySet: LIMIT in a subquery
        return int(capped.count())

    @property
    def is_capped(self) -> bool:
        return self.count > self.limit


def paginate(
    request: HttpRequest, items: Any, per_page: int | None = None, *, count_limit: int | None = None
) -> Page:
    """A page of `items` from the `page` query parameter; a bad or too large number
    gives the nearest valid page instead of an error."""
    size = per_page or settings.PAGE_SIZE
    if count_limit is None:
        paginator = Paginator(items, size)
    else:
        paginator = CappedPaginator(items, size, limit=count_limit)
    return paginator.get_page(request.GET.get("page"))
