"""Browser (Playwright + Debian Chromium) fixtures and helpers for the end-to-end flows.

Run these tests in their own pytest process: ``pytest tests/e2e -m e2e``. Playwright's sync
API keeps an event loop running in the test thread, which breaks ``async_to_sync`` code in
any test that runs after it in the same process (see /work/shared/FIELD-NOTES.md).

Environment:
    MENTORA_REQUIRE_BROWSER=1   fail, rather than skip, when /usr/bin/chromium is missing.
    MENTORA_SCREENSHOTS=1       save full-page screenshots to docs/screenshots/ (for the README).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connections
from playwright.sync_api import Page

from tests.factories import PASSWORD

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = E2E_DIR / "vendor" / "axe.min.js"
SCREENSHOTS_DIR = REPO_ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
PHONE_VIEWPORT = {"width": 390, "height": 844}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MISSING_BROWSER = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run browser tests"


def _browser_required() -> bool:
    return os.environ.get("MENTORA_REQUIRE_BROWSER", "") == "1"


def pytest_configure(config: pytest.Config) -> None:
    # pytest-playwright 0.10 defines its session `base_url` fixture as a method, which pytest 9
    # deprecates; the warning is theirs to fix and says nothing about these tests.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``e2e``; skip them all when Chromium is missing."""
    skip = None if CHROMIUM.exists() or _browser_required() else pytest.mark.skip(reason=MISSING_BROWSER)
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            if skip is not None:
                item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def allow_orm_in_playwright_thread() -> Any:
    """Playwright's sync API runs an event loop in the test thread; without this Django refuses
    ORM calls made from that thread (fixtures, assertions). Set only while browser tests run, so
    the async-safety check stays on for every other test."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium headless (never `playwright install` on these machines)."""
    if not CHROMIUM.exists():
        pytest.fail(MISSING_BROWSER + " (MENTORA_REQUIRE_BROWSER=1)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        # Without the background-networking flags Chromium floods the closed network.
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--use-fake-device-for-media-stream",
                 "--use-fake-ui-for-media-stream"],
    }


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Give this process its own SQLite test file (unless MENTORA_TEST_SQLITE names one).

    The shared var/test.sqlite3 is created and destroyed by every pytest run; a unit-test run
    started meanwhile (another terminal, CI job) deletes it under the live server.
    """
    settings_dict = connections["default"].settings_dict
    if settings_dict["ENGINE"].endswith("sqlite3") and "MENTORA_TEST_SQLITE" not in os.environ:
        settings_dict.setdefault("TEST", {})["NAME"] = str(Path(tempfile.gettempdir()) / f"mentora-e2e-{os.getpid()}.sqlite3")


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": VIEWPORT, "locale": "en-GB", "timezone_id": "UTC"}


@pytest.fixture
def page(page: Page) -> Page:
    """Playwright's page, failing fast: every server-rendered page answers within a few seconds."""
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(15_000)
    return page


@pytest.fixture
def skills(transactional_db: None) -> None:
    """Reload the built-in skills taxonomy, which the live server's table flush removes."""
    from importlib import import_module

    loader = import_module("mentora.profiles.migrations.0002_builtin_skills")
    loader.load(django_apps, None)


def login(page: Page, live_server: Any, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real sign-in form and wait for the landing page."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _format_violation(violation: dict[str, Any]) -> str:
    lines = [f"- {violation['id']} ({violation.get('impact')}): {violation['help']}", f"  {violation['helpUrl']}"]
    for node in violation["nodes"]:
        lines.append(f"    target {node['target']}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
        lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core (vendored) on the current page for WCAG 2.0–2.2 A/AA; return the violations."""
    page.wait_for_load_state("load")  # a click may have started a navigation that is still loading
    # Evaluated through the DevTools protocol, not as a <script> tag: the app's Content-Security-Policy
    # (script-src 'self') rightly refuses inline scripts, and the tests keep it switched on.
    page.evaluate(AXE_JS.read_text())
    result: dict[str, Any] = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return list(result["violations"])


def settle_animations(page: Page) -> None:
    """Wait for the page's finite CSS animations and transitions (a toast fading in) to end, so axe
    measures the colours people read, not a frame half-way through a fade."""
    page.evaluate(
        """() => Promise.all(document.getAnimations()
             .filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime ?? Infinity))
             .map((a) => a.finished.catch(() => null)))"""
    )


def _assert_no_violations(page: Page, where: str) -> None:
    settle_animations(page)
    violations = axe_violations(page)
    report = "\n".join(_format_violation(v) for v in violations)
    if violations:
        print(f"axe violations on {page.url} {where}:\n{report}")
    assert not violations, f"{len(violations)} axe violation(s) on {page.url} {where}:\n{report}"


def sideways_overflow(page: Page) -> int:
    """Return how many CSS pixels the page scrolls sideways at the current viewport (0 = none)."""
    overflow: int = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return max(overflow, 0)


def _widest_elements(page: Page) -> list[str]:
    """Name the elements that stick out past the viewport's right edge (for the failure message)."""
    culprits: list[str] = page.evaluate(
        """() => {
          const out = [];
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.right > window.innerWidth + 1 && r.width > 0) {
              const parent = el.parentElement?.getBoundingClientRect();
              if (parent && parent.right > window.innerWidth + 1) continue;  // report the outermost only
              out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''} right=${Math.round(r.right)}`);
            }
          }
          return out.slice(0, 8);
        }"""
    )
    return culprits


def assert_accessible(page: Page) -> None:
    """Assert axe finds no WCAG 2.2 AA violation on the current page, at desktop and phone width.

    At 390 px (a phone) the page must also not scroll sideways: wide content scrolls inside its own
    focusable region instead. The viewport is restored afterwards, so the test goes on at 1280 px.
    """
    _assert_no_violations(page, "at 1280 px")
    original = page.viewport_size or VIEWPORT
    page.set_viewport_size(PHONE_VIEWPORT)
    try:
        page.wait_for_timeout(150)  # let resize handlers (mentora.js) settle
        overflow = sideways_overflow(page)
        assert overflow == 0, (
            f"{page.url} scrolls sideways by {overflow}px at 390 px wide; sticking out: {_widest_elements(page)}"
        )
        _assert_no_violations(page, "at 390 px")
    finally:
        page.set_viewport_size(original)


def screenshot(page: Page, name: str, *, phone: bool = False) -> None:
    """Save a full-page screenshot to docs/screenshots/<name>.png when MENTORA_SCREENSHOTS=1.

    With ``phone=True`` also save ``<name>-phone.png`` at 390 px wide.
    """
    if os.environ.get("MENTORA_SCREENSHOTS", "") != "1":
        return
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.activeElement?.blur()")  # no stray focus ring in the README images
    page.screenshot(path=str(SCREENSHOTS_DIR / f"{name}.png"), full_page=True)
    if phone:
        original = page.viewport_size or VIEWPORT
        page.set_viewport_size(PHONE_VIEWPORT)
        try:
            page.wait_for_timeout(150)
            page.screenshot(path=str(SCREENSHOTS_DIR / f"{name}-phone.png"), full_page=True)
        finally:
            page.set_viewport_size(original)
