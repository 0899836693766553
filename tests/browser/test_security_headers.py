"""Issue #13 in a real browser: the console renders under its Content-Security-Policy (no
violation, the chart drawn, the styles applied), and the API docs load with no request leaving
the server (a hospital intranet has no CDN)."""

import pytest

from tests.browser.conftest import signed_in
from tests.helpers import make_term_infant_born_50h_ago, post_reading


@pytest.mark.django_db(transaction=True)
def test_the_record_renders_under_its_csp(world, live_server, browser, client_for):
    infant = make_term_infant_born_50h_ago(world.ours)
    post_reading(client_for(world.personas["guardian"]), infant, value="16.0", key="csp-page-01")
    page = signed_in(browser, live_server, world.personas["community_doctor"])
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))

    response = page.goto(f"{live_server.url}/console/infants/{infant.public_id}/")
    page.wait_for_load_state()

    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert violations == []
    chart = page.locator(".chart svg").bounding_box()
    assert chart and chart["width"] > 300 and chart["height"] > 150
    header = page.locator("header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header == "rgb(15, 47, 99)"  # the nonce'd stylesheet applied


REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.mark.parametrize(
    "path, title", [("/api/docs/", ".swagger-ui .info .title"), ("/api/redoc/", "redoc h1")]
)
@pytest.mark.django_db(transaction=True)
def test_the_api_docs_load_from_the_server_alone(world, live_server, browser, path, title):
    page = signed_in(browser, live_server, world.personas["community_doctor"])
    elsewhere, blocked, errors = [], [], []
    outside = lambda r: not r.url.startswith((live_server.url, "data:", "blob:"))  # noqa: E731
    page.on("requestfinished", lambda r: outside(r) and elsewhere.append(r.url))
    page.on("requestfailed", lambda r: outside(r) and blocked.append((r.url, r.failure)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))

    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector(title, timeout=20_000)

    assert "NeoCare API" in page.locator(title).first.inner_text()
    assert elsewhere == []  # nothing fetched from outside
    # ReDoc's footer asks the internet for Redocly's logo; the CSP stops it in the browser.
    assert blocked in ([], [(REDOCLY_LOGO, "csp")])
    assert [e for e in errors if REDOCLY_LOGO not in e] == []  # no other CSP or script error
