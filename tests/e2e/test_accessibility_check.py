"""The axe helper itself: it must catch what it claims to, or every flow passes vacuously."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import assert_accessible, axe_violations


def test_axe_reports_an_unlabelled_field_and_an_image_without_alt_text(page: Page):
    """A page with known WCAG failures yields those violations and fails assert_accessible."""
    page.set_content('<html lang="en"><body><main><h1>Form</h1><img src="x.png">'
                     '<input type="text" name="q"></main></body></html>')

    assert {v["id"] for v in axe_violations(page)} >= {"image-alt", "label"}
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)


def test_axe_passes_a_clean_page(page: Page):
    """A labelled, titled page with a language and a main landmark has no violation."""
    page.set_content('<html lang="en"><head><title>Search</title></head><body><main><h1>Search</h1>'
                     '<label for="q">Search people</label><input id="q" type="search"></main></body></html>')

    assert_accessible(page)


def test_a_page_that_scrolls_sideways_on_a_phone_fails_and_the_viewport_is_restored(page: Page):
    """A 600 px-wide block passes at 1280 px but fails the 390 px check, naming the culprit."""
    page.set_content('<html lang="en"><head><title>Wide</title></head><body><main><h1>Wide</h1>'
                     '<div class="too-wide" style="width:600px">x</div></main></body></html>')

    with pytest.raises(AssertionError, match=r"scrolls sideways by 2\d\dpx.*too-wide"):
        assert_accessible(page)
    assert page.viewport_size == {"width": 1280, "height": 800}


def test_a_wide_table_in_a_focusable_scroll_region_passes_on_a_phone(page: Page):
    """Wide content that scrolls inside its own focusable region keeps the page itself still."""
    page.set_content('<html lang="en"><head><title>Table</title></head><body><main><h1>Table</h1>'
                     '<div tabindex="0" role="region" aria-label="Scores" style="overflow-x:auto">'
                     '<table><tr><th>Name</th></tr><tr><td style="min-width:900px">A</td></tr></table>'
                     '</div></main></body></html>')

    assert_accessible(page)
