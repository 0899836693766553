"""Issue #14 in a real browser: a community doctor reading Chinese opens the referral letter,
which renders under the console's Content-Security-Policy, hides the console's header when
printed, and downloads the server's one-page PDF from its link."""

import io

import pytest
from pypdf import PdfReader

from neocare.alerts.services import referral_create
from tests.browser.conftest import signed_in
from tests.helpers import make_term_infant_born_50h_ago, post_reading


@pytest.mark.django_db(transaction=True)
def test_the_chinese_letter_prints_on_one_page(world, live_server, browser, client_for, shots):
    infant = make_term_infant_born_50h_ago(world.ours)
    infant.display_name = "林小宝"
    infant.save()
    parent = client_for(world.personas["guardian"])
    for k, (hours, value, unit, method) in enumerate(
        [
            (20, "150", "umol/L", "tcb_home"),
            (36, "230", "umol/L", "tcb_home"),
            (48, "17.0", "mg/dL", "tsb_lab"),
        ]
    ):
        response = post_reading(
            parent,
            infant,
            value=value,
            unit=unit,
            method=method,
            age_hours=hours,
            key=f"browser-letter-{k}",
        )
        assert response.status_code == 201, response.json()
    doctor = world.personas["community_doctor"]
    doctor.first_name = "陈医生"
    doctor.save()
    referral_create(
        infant=infant, by=doctor, hospital=world.hospital_a, reason="血清总胆红素超过光疗阈值"
    )

    page = signed_in(browser, live_server, doctor, language="zh")
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(f"{live_server.url}/console/infants/{infant.public_id}/referral-letter/")
    page.wait_for_load_state()

    letter = page.locator("#referral-letter")
    assert page.locator("#referral-letter h1").inner_text() == "转诊信"
    assert "林小宝" in letter.inner_text() and "陈医生" in letter.inner_text()
    assert letter.locator(".chart svg").bounding_box()["width"] > 300
    assert errors == []  # no CSP violation, no script error
    page.screenshot(path=shots / "referral-letter-zh.png", full_page=True)

    page.emulate_media(media="print")  # what the browser's own print shows
    assert page.locator("body > header").is_hidden()
    assert page.locator("#letter-pdf").is_hidden()
    assert letter.is_visible()
    page.emulate_media(media="screen")

    with page.expect_download(timeout=60_000) as download:
        page.locator("#letter-pdf").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    assert len(pdf.pages) == 1
    assert "林小宝" in pdf.pages[0].extract_text().replace(" ", "")
