"""The shared table wrapper (`{% tablewrap %}`) and the page title's place."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import Context, Template

ROOT = Path(__file__).resolve().parents[3]
WRAPPED = re.compile(r"\{% tablewrap(.*?)%\}(.*?)\{% endtablewrap %\}", re.DOTALL)


def _templates() -> list[Path]:
    return list((ROOT / "digibank").rglob("templates/**/*.html"))


def test_a_wide_table_scrolls_in_a_focusable_region_named_by_its_caption() -> None:
    html = Template(
        "{% tablewrap %}<table><caption>12 <em>loans</em> &amp; more</caption></table>{% endtablewrap %}"
    ).render(Context())
    assert html.startswith(
        '<div class="table-wrap" tabindex="0" role="region" aria-label="12 loans &amp; more">'
    )
    assert html.endswith("</table></div>")


def test_a_table_without_caption_takes_the_label_given() -> None:
    html = Template(
        '{% tablewrap label=_("Helps logged") %}<table></table>{% endtablewrap %}'
    ).render(Context())
    assert 'aria-label="Helps logged"' in html


def test_every_table_wrapper_of_the_site_is_the_shared_one_with_a_name() -> None:
    """A hand-made wrapper would lack the keyboard focus and the name (WCAG 2.1.1);
    each wrapper has a caption to take its name from, or a label."""
    problems = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        if 'class="table-wrap' in text:
            problems.append(f"{path}: a hand-made table-wrap; use {{% tablewrap %}}")
        for match in WRAPPED.finditer(text):
            if "label=" not in match.group(1) and "<caption" not in match.group(2):
                problems.append(f"{path}: a {{% tablewrap %}} without caption or label")
    assert not problems, "\n".join(problems)
    assert sum(len(WRAPPED.findall(p.read_text(encoding="utf-8"))) for p in _templates()) > 60


def test_the_title_names_the_page_then_the_hub() -> None:
    class Place:
        def __init__(self, name: str) -> None:
            self.name = name

    class Request:
        hub = Place("Digibank Gent")

    class ProgrammeRequest:
        programme = Place("Digibanken")

    template = Template(
        "{% with r=request %}{% filter with_place:r %}{{ title }}{% endfilter %}{% endwith %}"
    )
    assert template.render(Context({"title": "Team", "request": Request()})) == (
        "Team · Digibank Gent"
    )
    assert template.render(Context({"title": "Calls", "request": ProgrammeRequest()})) == (
        "Calls · Digibanken"
    )
    # Not twice, and nothing added outside a hub or programme (or without a request).
    assert template.render(Context({"title": "Team · Digibank Gent", "request": Request()})) == (
        "Team · Digibank Gent"
    )
    assert template.render(Context({"title": "Team", "request": object()})) == "Team"
    assert template.render(Context({"title": "Team"})) == "Team"
