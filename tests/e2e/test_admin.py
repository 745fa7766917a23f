"""Admin and coordinator pages that had no browser flow: invitations, diversity policy, skills,
audit log, API tokens, organization creation, comparing matching runs. axe on every page."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mentora.accounts.models import Invitation, User
from mentora.core.models import Organization
from mentora.matching.models import MatchRun
from mentora.profiles.models import DiversityPolicy, Skill
from tests.conftest import World
from tests.e2e.conftest import assert_accessible, login, screenshot
from tests.factories import PASSWORD, EnrollmentFactory, MembershipFactory, ProgramFactory

pytestmark = pytest.mark.e2e


def test_an_admin_invites_sets_the_diversity_policy_adds_a_skill_and_reads_the_audit_log(
    page: Page, live_server, world: World, skills
):
    login(page, live_server, "admin@acme.test")
    page.goto(f"{live_server.url}/o/acme/people/invite/")
    assert_accessible(page)
    page.get_by_label("Email").fill("newcomer@acme.test")
    page.get_by_label("Role").select_option("coordinator")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to newcomer@acme.test.")).to_be_visible()
    assert Invitation.objects.get(email="newcomer@acme.test").role == "coordinator"
    assert_accessible(page)

    page.goto(f"{live_server.url}/o/acme/settings/")
    page.get_by_label("Collect optional diversity attributes").check()
    page.get_by_label("Caring responsibilities").select_option("aggregate")
    assert_accessible(page)
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    assert DiversityPolicy.objects.get(organization=world.org, attribute="caregiver").use == "aggregate"

    page.goto(f"{live_server.url}/o/acme/skills/")
    page.get_by_label("Skill name").fill("Acme widget design")
    page.get_by_role("button", name="Add skill").click()
    expect(page.get_by_text("Added “Acme widget design”.")).to_be_visible()
    assert Skill.objects.filter(organization=world.org, name="Acme widget design").exists()
    assert_accessible(page)

    page.goto(f"{live_server.url}/o/acme/audit/")
    expect(page.get_by_text("diversity.policy_change")).to_be_visible()
    expect(page.get_by_text("invitation.create")).to_be_visible()
    assert_accessible(page)


def api_me(base_url: str, token: str) -> tuple[int, str]:
    """Call /api/me with only a bearer token (a cookie-less client, unlike the page's)."""
    request = urllib.request.Request(f"{base_url}/api/me", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())["email"]
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_a_member_creates_and_revokes_an_api_token(page: Page, live_server, world: World):
    login(page, live_server, "member@acme.test")
    page.goto(f"{live_server.url}/account/tokens/")
    page.get_by_label("Token name").fill("HR sync")
    page.get_by_label("Expires after").select_option(label="30 days")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("mnt_")
    expires = (timezone.localdate() + timedelta(days=30)).strftime("%-d %b %Y")
    expect(page.get_by_role("listitem").filter(has_text="HR sync")).to_contain_text(f"expires {expires}")
    assert_accessible(page)
    screenshot(page, "api-tokens", phone=True)
    assert api_me(live_server.url, token) == (200, "member@acme.test")  # no cookies: the token alone
    page.get_by_role("button", name=re.compile("Revoke")).click()
    expect(page.get_by_text("Token revoked.")).to_be_visible()
    assert api_me(live_server.url, token)[0] == 401


def test_a_platform_admin_creates_an_organization(page: Page, live_server, world: World):
    User.objects.create_superuser(email="root@platform.test", password=PASSWORD)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=User.objects.get(email="root@platform.test"), email="root@platform.test",
                                verified=True, primary=True)
    login(page, live_server, "root@platform.test")
    page.goto(f"{live_server.url}/organizations/new/")
    assert_accessible(page)
    page.get_by_role("textbox", name="Name:", exact=True).fill("Initech")
    page.get_by_role("button", name="Create organization").click()
    expect(page).to_have_url(re.compile(r"/o/initech/$"))
    assert Organization.objects.filter(slug="initech").exists()
    assert_accessible(page)


def test_a_coordinator_compares_two_runs_side_by_side(page: Page, live_server, world: World, skills):
    program = ProgramFactory(organization=world.org, name="Compare Me")
    for _ in range(2):
        EnrollmentFactory(program=program, membership=MembershipFactory(organization=world.org), role="mentor", capacity=2)
    for _ in range(3):
        EnrollmentFactory(program=program, membership=MembershipFactory(organization=world.org), role="mentee")
    login(page, live_server, "coord@acme.test")
    for _ in range(2):
        page.goto(f"{live_server.url}/o/acme/programs/{program.pk}/matching/")
        page.get_by_role("button", name="Run matching").click()
        expect(page.get_by_role("heading", name="What-if preview")).to_be_visible()
    first, second = MatchRun.objects.filter(program=program).order_by("pk")
    page.get_by_label("Compare with run").select_option(str(first.pk))
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.get_by_role("table", name="Side by side")).to_be_visible()
    expect(page.get_by_role("columnheader", name=f"#{second.pk}")).to_be_visible()
    assert_accessible(page)


def test_a_member_downloads_everything_mentora_holds_about_them(page: Page, live_server, world: World):
    import zipfile

    login(page, live_server, "member@acme.test")
    page.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", name="Your data", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="What is not, and why")).to_contain_text("protects the person who did")
    assert_accessible(page)
    screenshot(page, "your-data", phone=True)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert download.suggested_filename.startswith("mentora-my-data-") and download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.path()) as bundle:
        document = json.loads(bundle.read("data.json"))
    assert document["account"]["email"] == "member@acme.test"


def test_an_admin_downloads_a_members_data_from_their_profile(page: Page, live_server, world: World):
    import zipfile

    login(page, live_server, "admin@acme.test")
    page.goto(f"{live_server.url}/o/acme/people/")
    page.get_by_role("link", name=world.mentee.user.display_name).click()
    data = page.get_by_role("region", name="Their data")
    expect(data).to_contain_text("recorded in the audit log")
    assert_accessible(page)
    screenshot(page, "member-data", phone=True)
    with page.expect_download() as download_info:
        data.get_by_role("button").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"mentora-data-{world.mentee.pk}-")
    with zipfile.ZipFile(download.path()) as bundle:
        assert json.loads(bundle.read("data.json"))["account"]["email"] == "mentee@acme.test"


def test_an_admin_sets_how_long_closed_mentorships_words_are_kept(page: Page, live_server, world: World):
    login(page, live_server, "admin@acme.test")
    page.goto(f"{live_server.url}/o/acme/settings/")
    keep = page.get_by_role("group", name="Privacy: how long words are kept, and how small a group may be")
    field = keep.get_by_label("Keep a closed mentorship's notes and messages for (months)")
    expect(field).to_have_value("24")
    field.fill("200")
    page.get_by_role("button", name="Save privacy settings").click()
    expect(page.get_by_role("group", name="Privacy: how long words are kept, and how small a group may be")).to_contain_text("less than or equal to 120")
    assert_accessible(page)
    page.get_by_label("Keep a closed mentorship's notes and messages for (months)").fill("12")
    page.get_by_role("button", name="Save privacy settings").click()
    expect(page.locator(".messages")).to_contain_text("kept for 12 months")
    assert Organization.objects.get(slug="acme").retention_months == 12
    smallest = page.get_by_label("Hide any group smaller than (people)")
    expect(smallest).to_have_value("5")
    smallest.fill("8")
    page.get_by_role("button", name="Save privacy settings").click()
    expect(page.locator(".messages")).to_contain_text("fewer than 8 people")
    assert Organization.objects.get(slug="acme").min_group_size == 8
