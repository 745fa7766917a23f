"""The look on desk and phone: the collapsing menu, toasts, profile photos, the organization's colour
and logo, the favicon, and the availability grid by mouse drag and by keyboard."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import FilePayload, Page, expect

from mentora.core.models import Organization
from mentora.profiles.models import AvailabilitySlot
from tests.conftest import World
from tests.e2e.conftest import PHONE_VIEWPORT, assert_accessible, login, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(size: tuple[int, int], colour: tuple[int, int, int]) -> FilePayload:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return {"name": "picture.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_on_a_phone_the_menu_button_opens_and_closes_the_navigation_by_keyboard(page: Page, live_server, world: World):
    """At 390 px the links hide behind "Menu" (aria-expanded); Enter opens it, Escape closes it."""
    page.set_viewport_size(PHONE_VIEWPORT)
    login(page, live_server, "member@acme.test")
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")

    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_have_attribute("aria-controls", "site-nav")
    expect(nav.get_by_role("link", name="Programs")).to_be_hidden()
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Programs")).to_be_visible()
    expect(nav.get_by_role("link", name="Home")).to_be_focused()
    assert_accessible(page)
    screenshot(page, "menu-phone")
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()

    page.set_viewport_size({"width": 1280, "height": 800})  # on a desk the links are always shown
    expect(menu).to_be_hidden()
    expect(nav.get_by_role("link", name="Programs")).to_be_visible()


def test_without_javascript_the_navigation_is_a_visible_list(browser, live_server, world: World):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE_VIEWPORT)
    page = context.new_page()
    login(page, live_server, "member@acme.test")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    context.close()


def test_a_member_uploads_a_photo_it_shows_to_colleagues_and_can_be_removed(page: Page, live_server, world: World):
    login(page, live_server, "mentee@acme.test")
    page.goto(f"{live_server.url}/o/acme/profile/")
    page.get_by_role("link", name="Add a photo").click()
    assert_accessible(page)

    page.get_by_label("Photo").set_input_files({"name": "notes.png", "mimeType": "image/png", "buffer": b"not an image"})
    page.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_text("That file is not a picture we can use")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Photo").set_input_files(png((900, 600), (40, 120, 200)))
    page.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_role("status")).to_contain_text("Photo saved.")
    photo = page.locator(".avatar-lg img")
    expect(photo).to_be_visible()
    assert page.evaluate("(img) => [img.naturalWidth, img.naturalHeight]", photo.element_handle()) == [256, 256]
    assert_accessible(page)
    screenshot(page, "photo", phone=True)

    page.get_by_role("button", name="Dismiss").click()  # toasts can be dismissed
    expect(page.get_by_role("status")).to_have_count(0)

    page.context.clear_cookies()
    login(page, live_server, "member@acme.test")
    page.goto(f"{live_server.url}/o/acme/people/{world.mentee.pk}/profile/")
    expect(page.locator(".avatar-lg img")).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", page.locator(".avatar-lg img").element_handle()) == 256
    assert_accessible(page)

    page.context.clear_cookies()
    login(page, live_server, "mentee@acme.test")
    page.goto(f"{live_server.url}/o/acme/profile/photo/")
    page.get_by_role("button", name="Remove photo").click()
    expect(page.get_by_role("status")).to_contain_text("Photo removed")
    expect(page.locator(".avatar-lg")).to_have_text(re.compile(r"^\w{1,2}$"))


def test_an_admin_sets_the_accent_colour_and_logo_and_a_too_light_colour_is_refused(page: Page, live_server, world: World):
    login(page, live_server, "admin@acme.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()

    page.get_by_label("Accent colour").fill("#f5a300")
    page.get_by_role("button", name="Save the look").click()
    expect(page.get_by_text(re.compile(r"contrast ratio of 2\.07:1; it needs at least 4\.5:1"))).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Accent colour").fill("#5b21b6")
    page.get_by_label("Logo").set_input_files(png((600, 200), (91, 33, 182)))
    page.get_by_role("button", name="Save the look").click()
    expect(page.get_by_role("status")).to_contain_text("Look saved.")
    assert Organization.objects.get(slug="acme").accent_color == "#5b21b6"
    current = page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings")
    expect(current).to_have_css("background-color", "rgb(91, 33, 182)")
    logo = page.locator(".brand-logo").first
    expect(logo).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", logo.element_handle()) == 360
    assert_accessible(page)
    screenshot(page, "organization-look")


def test_the_linked_favicon_and_favicon_ico_answer(page: Page, live_server, world: World):
    login(page, live_server, "member@acme.test")
    for href in page.locator("link[rel=icon]").evaluate_all("(links) => links.map((l) => l.href)"):
        assert page.request.get(href).status == 200, href
    response = page.request.get(f"{live_server.url}/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}


def test_the_availability_grid_works_by_drag_including_the_first_cell_and_by_keyboard(page: Page, live_server, world: World):
    login(page, live_server, "member@acme.test")
    page.goto(f"{live_server.url}/o/acme/profile/")
    first = page.get_by_role("checkbox", name="Tuesday 09:00")
    last = page.get_by_role("checkbox", name="Tuesday 11:00")
    first.scroll_into_view_if_needed()
    start, end = first.bounding_box(), last.bounding_box()
    assert start and end
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=8)
    page.mouse.up()
    for hour in ("09", "10", "11"):
        expect(page.get_by_role("checkbox", name=f"Tuesday {hour}:00")).to_be_checked()

    page.get_by_role("checkbox", name="Thursday 15:00").focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Thursday 15:00")).to_be_checked()

    page.set_viewport_size(PHONE_VIEWPORT)  # on a phone the grid scrolls in its region; a click ticks one cell
    page.get_by_role("checkbox", name="Friday 10:00").scroll_into_view_if_needed()
    page.get_by_role("checkbox", name="Friday 10:00").click()
    expect(page.get_by_role("checkbox", name="Friday 10:00")).to_be_checked()
    assert_accessible(page)
    screenshot(page, "profile-grid-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Profile saved.")
    assert AvailabilitySlot.objects.filter(profile__membership=world.member).count() >= 3


@pytest.mark.parametrize(("path", "row_text"), [
    ("/o/acme/mentorships/", "Career Growth"),  # as an admin: the organization's list
    ("/o/acme/people/", "mentor@acme.test"),
    ("/o/acme/programs/", "Career Growth"),
])
def test_on_a_phone_list_tables_become_labelled_cards(page: Page, live_server, world: World, path: str, row_text: str):
    login(page, live_server, "admin@acme.test")
    page.goto(f"{live_server.url}{path}")
    row = page.locator("table.cards-on-phone tbody tr").filter(has_text=row_text).first
    expect(row).to_be_visible()
    assert row.evaluate("r => getComputedStyle(r).display") == "table-row"  # a table on the desk
    page.set_viewport_size(PHONE_VIEWPORT)
    assert row.evaluate("r => getComputedStyle(r).display") == "block"  # a card on the phone
    labels = row.evaluate("r => [...r.querySelectorAll('td[data-label]')].map(td => getComputedStyle(td, '::before').content)")
    assert labels and all(label.strip('"').endswith(": ") for label in labels), labels
    assert_accessible(page)
    screenshot(page, "cards-" + path.strip("/").split("/")[-1])
