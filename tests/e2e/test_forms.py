"""Forms people don't fight: the skill combobox, language checkboxes, the availability grid's
drag and keyboard, and the bulk enrolment review. Each page is checked with axe (WCAG 2.2 AA)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from mentora.profiles.models import AvailabilitySlot, Profile, ProfileSkill
from tests.conftest import World
from tests.e2e.conftest import assert_accessible, login, screenshot

pytestmark = pytest.mark.e2e


def open_profile(page: Page, live_server, email: str = "member@acme.test") -> None:
    login(page, live_server, email)
    page.goto(f"{live_server.url}/o/acme/profile/")
    expect(page.get_by_role("heading", name="My profile", level=1)).to_be_visible()
    # The picker is a module script: wait until it has replaced the select with the combobox.
    expect(page.get_by_role("combobox", name="Add a skill you can offer")).to_be_visible()


def offered_chips(page: Page) -> Locator:
    return page.get_by_role("list", name="Skills you offer").get_by_role("listitem")


def test_skills_are_found_by_typing_and_chosen_with_the_keyboard_then_removed(
    page: Page, live_server, world: World, skills
):
    """Type → the listbox filters → ArrowDown, Enter adds a chip → its level is set → × removes one."""
    open_profile(page, live_server)
    assert_accessible(page)
    combobox = page.get_by_role("combobox", name="Add a skill you can offer")
    expect(combobox).to_have_attribute("aria-expanded", "false")

    combobox.press_sequentially("negot")
    expect(combobox).to_have_attribute("aria-expanded", "true")
    listbox = page.get_by_role("listbox", name="Add a skill you can offer")
    # Filtered, names starting with the text first: "Negotiation", then "Contract negotiation".
    expect(listbox.get_by_role("option")).to_have_count(2)
    expect(listbox.get_by_role("option").first).to_contain_text("Negotiation")
    expect(listbox.get_by_role("option").nth(1)).to_contain_text("Contract negotiation")
    assert_accessible(page)  # with the list open
    page.keyboard.press("ArrowDown")
    option_id = listbox.get_by_role("option").first.get_attribute("id")
    expect(combobox).to_have_attribute("aria-activedescendant", option_id or "")
    expect(listbox.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(combobox).to_have_attribute("aria-expanded", "false")
    expect(combobox).to_be_focused()
    expect(combobox).to_have_value("")
    expect(offered_chips(page)).to_have_count(1)
    expect(offered_chips(page).first).to_contain_text("Negotiation")

    # A second skill; Escape closes the list without choosing, then arrows pick from a fresh search.
    combobox.press_sequentially("public spea")
    page.keyboard.press("Escape")
    expect(combobox).to_have_attribute("aria-expanded", "false")
    expect(offered_chips(page)).to_have_count(1)
    page.keyboard.press("ArrowDown")
    expect(combobox).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Enter")
    expect(offered_chips(page)).to_have_count(2)
    expect(offered_chips(page).nth(1)).to_contain_text("Public speaking")
    page.get_by_label("Level in Public speaking (offered)").select_option(label="Expert")

    # A chosen skill is not offered again.
    combobox.press_sequentially("negot")
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(listbox.get_by_role("option").first).to_contain_text("Contract negotiation")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(combobox).to_have_value("")

    page.get_by_role("button", name="Remove Negotiation (offered)").click()
    expect(offered_chips(page)).to_have_count(1)
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Profile saved.")
    saved = ProfileSkill.objects.filter(profile__membership=world.member, direction="offered").select_related("skill")
    assert [(s.skill.name, s.level) for s in saved] == [("Public speaking", 4)]
    expect(offered_chips(page)).to_have_count(1)
    expect(page.get_by_label("Level in Public speaking (offered)")).to_have_value("4")
    assert_accessible(page)


def test_the_skill_picker_works_without_javascript(browser, live_server, world: World, skills):
    """Progressive enhancement: with JS off, the select adds a skill on save and a box removes it."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    login(page, live_server, "member@acme.test")
    page.goto(f"{live_server.url}/o/acme/profile/")
    page.get_by_label("Add a skill you can offer").select_option(label="Negotiation")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("list", name="Skills you offer")).to_contain_text("Negotiation")
    page.get_by_role("checkbox", name="Remove Negotiation").check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("list", name="Skills you offer").get_by_role("listitem")).to_have_count(0)
    assert not ProfileSkill.objects.filter(profile__membership=world.member).exists()
    context.close()


def test_languages_are_ticked_not_ctrl_clicked(page: Page, live_server, world: World):
    open_profile(page, live_server)
    languages = page.get_by_role("group", name="Languages you can mentor in")
    languages.get_by_role("checkbox", name="Portuguese", exact=True).check()
    languages.get_by_role("checkbox", name="English", exact=True).check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Profile saved.")
    expect(languages.get_by_role("checkbox", name="Portuguese", exact=True)).to_be_checked()
    assert sorted(Profile.objects.get(membership=world.member).languages) == ["en", "pt"]
    assert_accessible(page)


def cell(page: Page, name: str) -> Locator:
    return page.get_by_role("checkbox", name=name, exact=True)


def test_dragging_across_the_grid_ticks_every_cell_including_the_first(page: Page, live_server, world: World):
    """Press on Monday 09:00, drag to 12:00: 09, 10, 11 and 12 are ticked; dragging back from a ticked cell clears."""
    open_profile(page, live_server)
    cell(page, "Monday 09:00").scroll_into_view_if_needed()
    first, last = cell(page, "Monday 09:00").bounding_box(), cell(page, "Monday 12:00").bounding_box()
    assert first and last
    page.mouse.move(first["x"] + first["width"] / 2, first["y"] + first["height"] / 2)
    page.mouse.down()
    page.mouse.move(last["x"] + last["width"] / 2, last["y"] + last["height"] / 2, steps=8)
    page.mouse.up()
    for hour in ("09", "10", "11", "12"):
        expect(cell(page, f"Monday {hour}:00")).to_be_checked()
    expect(cell(page, "Monday 13:00")).not_to_be_checked()

    # A plain click still toggles one cell (and only once).
    cell(page, "Wednesday 14:00").click()
    expect(cell(page, "Wednesday 14:00")).to_be_checked()

    # Dragging from a ticked cell unticks, the pressed cell too.
    start, end = cell(page, "Monday 11:00").bounding_box(), cell(page, "Monday 12:00").bounding_box()
    assert start and end
    page.mouse.move(start["x"] + 5, start["y"] + 5)
    page.mouse.down()
    page.mouse.move(end["x"] + 5, end["y"] + 5, steps=4)
    page.mouse.up()
    expect(cell(page, "Monday 11:00")).not_to_be_checked()
    expect(cell(page, "Monday 12:00")).not_to_be_checked()

    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Profile saved.")
    slots = AvailabilitySlot.objects.filter(profile__membership=world.member).order_by("weekday", "start_minute")
    assert [(s.weekday, s.start_minute, s.end_minute) for s in slots] == [(0, 540, 660), (2, 840, 900)]
    assert_accessible(page)


def test_the_grid_is_one_tab_stop_with_arrow_keys_space_and_enter(page: Page, live_server, world: World):
    open_profile(page, live_server)
    first = page.locator("[data-avail-grid] input[type=checkbox]").first
    first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("document.activeElement.value")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")  # toggles, and does not submit the form
    expect(page.get_by_role("heading", name="My profile", level=1)).to_be_visible()
    ticked = page.locator("[data-avail-grid] input:checked")
    expect(ticked).to_have_count(2)
    assert ticked.first.get_attribute("value") == focused
    # Only the focused cell is in the tab order, so Tab leaves the grid.
    assert page.locator("[data-avail-grid] input[tabindex='0']").count() == 1
    page.keyboard.press("Tab")
    assert page.evaluate("!document.activeElement.closest('[data-avail-grid]')")


def test_a_touch_drag_paints_cells(browser, live_server, world: World):
    """Touch uses pointer events: a finger pressed on a cell and moved over the next ones paints them."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    open_profile(page, live_server)
    cell(page, "Tuesday 06:00").scroll_into_view_if_needed()
    # Synthesised pointer events, as a touchscreen sends them (Playwright's touchscreen only taps);
    # the points are the centres of the cells, measured in the page's own coordinates.
    page.evaluate(
        """(values) => {
          const points = values.map((value) => {
            const box = document.querySelector(`input[name=avail][value="${value}"]`).getBoundingClientRect();
            return [box.x + box.width / 2, box.y + box.height / 2];
          });
          const send = (type, [x, y]) => document.elementFromPoint(x, y).dispatchEvent(new PointerEvent(type,
            {bubbles: true, cancelable: true, pointerType: 'touch', pointerId: 7, isPrimary: true, button: 0,
             buttons: 1, clientX: x, clientY: y}));
          send('pointerdown', points[0]);
          points.slice(1).forEach((p) => send('pointermove', p));
          send('pointerup', points[points.length - 1]);
        }""",
        ["1-6", "1-7", "1-8"],  # the first hours: on a phone the later ones are scrolled out of the grid's box
    )
    for hour in ("06", "07", "08"):
        expect(cell(page, f"Tuesday {hour}:00")).to_be_checked()
    context.close()


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_coordinator_approves_several_applications_after_a_summary_and_the_filters_stay(
    page: Page, live_server, world: World
):
    """Tab "Applied" → select all shown, untick one → Approve + message → summary → confirm → done, filters kept."""
    from mentora.programs.models import Enrollment
    from tests.factories import EnrollmentFactory, MembershipFactory

    people = [EnrollmentFactory(program=world.program, role="mentee", status="applied",
                                membership=MembershipFactory(organization=world.org, user__full_name=f"Applicant {n}"))
              for n in range(1, 5)]
    login(page, live_server, "coord@acme.test")
    page.goto(f"{live_server.url}/o/acme/programs/{world.program.pk}/enrollments/")
    expect(page.get_by_role("heading", name="Enrolments: Career Growth")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Filter by status")
    expect(tabs.get_by_role("link", name="Applied 5")).to_be_visible()
    assert_accessible(page)
    tabs.get_by_role("link", name="Applied 5").click()
    expect(tabs.get_by_role("link", name="Applied 5")).to_have_attribute("aria-current", "page")
    assert "status=applied" in page.url

    page.get_by_role("checkbox", name="Select all shown").check()
    expect(page.get_by_text("5 people selected.")).to_be_visible()
    page.get_by_role("checkbox", name=f"Select {world.mentee.user.display_name}").uncheck()
    expect(page.get_by_text("4 people selected.")).to_be_visible()
    bulk = page.get_by_role("form", name="Decide for the people you select")
    bulk.get_by_label("Decision").select_option(label="Approve")
    bulk.get_by_label("Message to them (optional)").fill("Welcome to Career Growth!")
    screenshot(page, "forms-enrollments-1280")
    bulk.get_by_role("button", name="Review decision").click()

    expect(page.get_by_role("heading", name="Confirm the decision")).to_be_visible()
    expect(page.get_by_text("Approve 4 people; 4 emails will be sent.")).to_be_visible()
    for person in people:
        expect(page.get_by_role("region", name="People in this decision")).to_contain_text(person.membership.user.full_name)
    assert Enrollment.objects.filter(pk__in=[p.pk for p in people], status="applied").count() == 4  # nothing yet
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_sideways_scroll(page)
    screenshot(page, "forms-enrollments-confirm-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Confirm and send").click()

    expect(page.get_by_role("status")).to_contain_text("Approved 4 people; their emails are on their way.")
    assert "status=applied" in page.url  # back on the list with the filters it had
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(tabs.get_by_role("link", name="Approved 5")).to_be_visible()  # with the mentor approved before
    assert_accessible(page)
    assert Enrollment.objects.filter(pk__in=[p.pk for p in people], status="approved", decided_by=world.coordinator.user).count() == 4
    assert Enrollment.objects.get(pk=world.mentee_enrollment.pk).status == "applied"

    # Coming back later, the filters are remembered.
    page.goto(f"{live_server.url}/o/acme/programs/{world.program.pk}/")
    page.get_by_role("link", name="Review enrolments").click()
    expect(tabs.get_by_role("link", name="Applied 1")).to_have_attribute("aria-current", "page")
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "forms-enrollments-390")


def test_the_profile_form_at_desktop_and_phone_widths(page: Page, live_server, world: World, skills):
    open_profile(page, live_server, "mentee@acme.test")
    for name in ("Public speaking", "Coaching others"):
        page.get_by_role("combobox", name="Add a skill you can offer").fill(name)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
    screenshot(page, "forms-profile-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "forms-profile-390")
