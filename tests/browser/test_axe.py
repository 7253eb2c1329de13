"""The axe-core helper itself: it finds violations and reports them readably, so a
clean run of the journeys means something."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from .conftest import AxeViolations, axe_check

pytestmark = pytest.mark.browser


def test_axe_check_reports_violations(browser: Browser) -> None:
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.set_content(
            "<!doctype html><html><head><title>t</title></head><body><main>"
            "<img src='data:,'><label>Name</label><input id='name'>"
            "<p style='color:#ccc;background:#fff'>faint text</p></main></body></html>"
        )
        with pytest.raises(AxeViolations) as caught:
            axe_check(page)
        report = str(caught.value)
        for rule in ("html-has-lang", "image-alt", "label", "color-contrast"):
            assert rule in report, report
        assert "<img src=" in report, "the report names the offending element"

        page.set_content(
            "<!doctype html><html lang='en'><head><title>t</title></head><body><main>"
            "<h1>Fine</h1><label for='n'>Name</label><input id='n'></main></body></html>"
        )
        axe_check(page)
    finally:
        context.close()
