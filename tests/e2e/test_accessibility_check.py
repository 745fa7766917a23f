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
