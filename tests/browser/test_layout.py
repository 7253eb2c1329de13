"""Small screens (WCAG 1.4.10 reflow): at 320 CSS pixels wide, the width of an old phone
or of a 1280 px screen at 400% zoom, pages scroll only vertically."""

from __future__ import annotations

import pytest

from digibank.accounts.models import User
from digibank.network.models import Hub
from digibank.people.keys import apply_search_keys
from digibank.people.models import Participant

from .conftest import TEST_PASSWORD as PASSWORD
from .conftest import Site

pytestmark = pytest.mark.browser


OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && el.getClientRects().length)
    .filter((el) => !el.closest('.table-wrap, .visually-hidden, .skip-link'))
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
         (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
         ' (right edge ' + Math.round(el.getBoundingClientRect().right) + 'px)');
  return {scrollWidth: document.documentElement.scrollWidth, width, wide};
}"""


def _assert_no_horizontal_scroll(site: Site) -> None:
    result = site.page.evaluate(OVERFLOW_JS)
    assert result["scrollWidth"] <= result["width"], (
        f"{site.path} scrolls sideways at 320 px: the page is {result['scrollWidth']} px "
        f"wide; too wide: {result['wide']}"
    )


def test_pages_reflow_at_320_pixels(site: Site, coordinator: User, hub: Hub) -> None:
    # Long, real-world names make headers and breadcrumbs wrap.
    hub.name = "Digibank Regio Zuid-West-Vlaanderen"
    hub.save()
    person = Participant(
        hub=hub,
        given_name="Maximiliaan-Alexander",
        family_name="Vanderstraeten-Verhaeghe",
        phone="+32 470 12 34 56",
        email="maximiliaan.vanderstraeten-verhaeghe@example.org",
        birth_year=1949,
        postcode="9000",
    )
    apply_search_keys(person)
    person.save()

    site.page.set_viewport_size({"width": 320, "height": 640})
    site.sign_in(coordinator.email, PASSWORD)
    for path in (
        f"/h/{hub.slug}/",
        f"/h/{hub.slug}/people/",
        f"/h/{hub.slug}/people/{person.pk}/",
        f"/h/{hub.slug}/people/new/",
    ):
        site.visit(path)
        _assert_no_horizontal_scroll(site)
