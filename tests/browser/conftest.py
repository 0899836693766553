"""Browser fixtures: Debian's Chromium driven by Playwright (never a downloaded browser)."""

import os
from pathlib import Path

import pytest

from neocare.network.two_factor import needs_second_factor
from tests.helpers import totp_now, verified_device

# Playwright's synchronous API runs an event loop in this thread; the test's own ORM calls are
# ordinary synchronous code between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "browser-test-password"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (make test does)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("NEOCARE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def signed_in(browser, live_server, user, *, language="en", bypass_csp=False):
    """A page signed in as `user` in `language`. `bypass_csp` only lets a test inject axe-core
    (tests/browser/test_accessibility.py); the pages' own policy is tested elsewhere."""
    user.set_password(PASSWORD)
    user.save()
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="en-GB" if language == "en" else "zh-CN",
        bypass_csp=bypass_csp,
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/console/sign-in/")
    page.get_by_label("Username" if language == "en" else "用户名").fill(user.username)
    page.get_by_label("Password" if language == "en" else "密码").fill(PASSWORD)
    page.get_by_role("button", name="Sign in" if language == "en" else "登录").click()
    page.wait_for_load_state()
    if needs_second_factor(user):  # the second step, with the authenticator's current code
        page.locator("input[name=code]").fill(totp_now(verified_device(user)))
        page.get_by_role("button", name="Continue" if language == "en" else "继续").click()
        page.wait_for_load_state()
    return page
