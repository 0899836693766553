"""Issue #14: the referral letter — one printable A4 page for the receiving hospital, as HTML
and as a PDF drawn on the server; in the page's language (Chinese unless English is asked for);
for the clinicians who may open the record, 404 for everyone else; every view audited."""

import io
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

import neocare.console
from neocare.alerts.services import referral_create
from neocare.audit.models import AuditEvent
from neocare.infants.models import HyperbilirubinemiaRiskFactor, NeurotoxicityRiskFactor
from risk_model.units import mg_dl_shown, to_mg_dl, umol_l_shown
from tests.factories import guardian, link
from tests.helpers import browser_for, make_term_infant_born_50h_ago, post_reading

TEMPLATE = Path(neocare.console.__file__).parent / "templates/console/referral_letter.html"
REASON = "TSB 17.0 mg/dL at 48 h, above the phototherapy line"


@pytest.fixture
def referred(world, client_for):
    """`ours` (38+0 weeks, no neurotoxicity risk factor, born 50 h ago): a home meter value of
    230 µmol/L at 36 h and a lab value of 17.0 mg/dL at 48 h (phototherapy line 16.0), referred
    by the community doctor of centre A1 to hospital A."""
    infant = make_term_infant_born_50h_ago(world.ours)
    infant.display_name = "Baby Lin"
    infant.save()
    parent = client_for(world.personas["guardian"])
    home = post_reading(
        parent, infant, value="230", unit="umol/L", method="tcb_home", age_hours=36, key="letter-01"
    )
    lab = post_reading(parent, infant, value="17.0", unit="mg/dL", age_hours=48, key="letter-02")
    assert (home.status_code, lab.status_code) == (201, 201), (home.json(), lab.json())
    doctor = world.personas["community_doctor"]
    doctor.first_name, doctor.last_name = "Chen", "Wei"
    doctor.save()
    referral_create(infant=infant, by=doctor, hospital=world.hospital_a, reason=REASON)
    return infant


def letter_url(infant, pdf=False) -> str:
    name = "console:referral-letter-pdf" if pdf else "console:referral-letter"
    return reverse(name, args=[infant.public_id])


def in_chinese(user) -> Client:
    """A console session whose browser asks for Chinese (the console's default language)."""
    client = browser_for(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def cells(page: str, css_class: str) -> list[str]:
    return re.findall(rf'<td class="num {css_class}">([^<]*)</td>', page)


def visible_text(page: str) -> str:
    """The words a reader sees: no style sheet, no chart (its labels are the chart's own)."""
    page = re.sub(r"<(style|svg)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


def template_msgids() -> list[str]:
    """The English fragments of the letter's catalogue strings (placeholders cut out)."""
    source = TEMPLATE.read_text()
    ids = re.findall(r'{% translate "([^"]+)" %}', source)
    ids += re.findall(r"{% translate '([^']+)' %}", source)
    ids += re.findall(r"{% blocktranslate[^%]*%}(.*?){% endblocktranslate %}", source, flags=re.S)
    fragments = [part.strip() for i in ids for part in re.split(r"{{[^}]*}}", i)]
    return [f for f in fragments if re.search(r"[A-Za-z]{3}", f)]


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    return PdfReader(io.BytesIO(response.content))


def test_the_letter_shows_the_infant_the_family_the_readings_in_both_units_and_the_referral(
    world, referred
):
    page = browser_for(world.personas["community_doctor"]).get(letter_url(referred))

    assert page.status_code == 200
    body = page.content.decode()
    assert "Referral letter" in body and "Baby Lin" in body
    assert world.personas["guardian"].phone_number.as_international in body
    # As sent, and in both units exactly as risk_model.units shows them (oldest row first).
    assert cells(body, "mg-dl") == [
        f"{mg_dl_shown(to_mg_dl(230, 'umol/L')):.1f}",
        f"{mg_dl_shown(17.0):.1f}",
    ]
    assert cells(body, "umol-l") == [
        str(umol_l_shown(230, "umol/L")),
        str(umol_l_shown(17.0, "mg/dL")),
    ]
    assert "230 µmol/L" in body and "17.0 mg/dL" in body and "umol/L" not in visible_text(body)
    assert "transcutaneous, home meter" in body and "total serum bilirubin, laboratory" in body
    assert "<svg" in body and 'id="points-above-phototherapy"' in body
    assert REASON in body
    assert "Chen Wei" in body and "community doctor" in body and world.centre_a1.name in body
    assert world.hospital_a.name in body  # the receiving hospital
    assert "38+0 weeks" in body and "3300 g" in body
    assert 'nonce="' in body and "@page" in body and "size: A4" in body


def test_the_letter_is_in_chinese_by_default_with_no_english_from_its_catalogue(world, referred):
    response = in_chinese(world.personas["community_doctor"]).get(letter_url(referred))

    body = response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert "转诊信" in body and "新生儿黄疸随访项目" in body
    assert "经皮胆红素" in body and "血清总胆红素" in body  # the methods
    assert "神经毒性" in body
    msgids = template_msgids()
    assert len(msgids) > 30  # the check below is not vacuous
    text = visible_text(body)
    assert [m for m in msgids if m in text] == []
    assert "38+0 周" in body


def test_lang_en_gives_the_english_letter_and_lang_zh_the_chinese(world, referred):
    chinese_browser = in_chinese(world.personas["community_doctor"])
    english = chinese_browser.get(letter_url(referred), {"lang": "en"})
    assert english["Content-Language"] == "en"
    assert "Referral letter" in english.content.decode()
    assert "转诊信" not in visible_text(english.content.decode())

    english_browser = browser_for(world.personas["community_doctor"])
    chinese = english_browser.get(letter_url(referred), {"lang": "zh-hans"})
    assert "转诊信" in chinese.content.decode()


def test_before_any_referral_the_reason_is_the_open_alert_and_the_doctor_is_the_reader(
    world, client_for
):
    infant = make_term_infant_born_50h_ago(world.ours)
    post_reading(client_for(world.personas["guardian"]), infant, value="17.0", key="letter-alert")
    district = world.personas["district_doctor"]
    district.first_name, district.last_name = "Huang", "Li"
    district.save()

    body = browser_for(district).get(letter_url(infant)).content.decode()

    assert "Alert: urgent hospital referral" in body
    assert "Huang Li" in body and "district doctor" in body


@pytest.mark.parametrize("pdf", [False, True], ids=["html", "pdf"])
def test_the_letter_is_for_the_clinicians_who_may_open_the_record(world, referred, pdf):
    url = letter_url(referred, pdf)
    for role in ("community_doctor", "district_doctor", "paediatrician"):
        assert browser_for(world.personas[role]).get(url).status_code == 200, role
    for role in ("guardian", "health_admin"):
        assert browser_for(world.personas[role]).get(url).status_code == 404, role
    # Strangers of each role, including a paediatrician of another hospital: no break-glass.
    for role, stranger in world.strangers.items():
        assert browser_for(stranger).get(url).status_code == 404, role
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("console:login"))


def test_every_view_of_the_letter_leaves_exactly_one_audit_row(world, referred):
    doctor = world.personas["community_doctor"]
    rows = AuditEvent.objects.filter(
        actor=doctor, infant=referred, action="view", object_type="console_referral_letter"
    )
    client = browser_for(doctor)
    for url, params in (
        (letter_url(referred), {}),
        (letter_url(referred), {"lang": "zh-hans"}),
        (letter_url(referred, pdf=True), {}),
        (letter_url(referred, pdf=True), {"lang": "zh-hans"}),
    ):
        before = rows.count()
        assert client.get(url, params).status_code == 200
        assert rows.count() == before + 1, url
    stranger = world.strangers["community_doctor"]
    browser_for(stranger).get(letter_url(referred, pdf=True))
    assert not AuditEvent.objects.filter(actor=stranger, infant=referred).exists()


def test_the_pdf_is_one_a4_page_with_the_infant_and_a_chinese_font(world, referred):
    pdf = pdf_of(in_chinese(world.personas["community_doctor"]).get(letter_url(referred, True)))

    assert len(pdf.pages) == 1
    width, height = (float(v) for v in pdf.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4 in mm
    text = pdf.pages[0].extract_text()
    assert "Baby Lin" in text and "转诊信" in text.replace(" ", "")
    fonts = [str(f.get_object()["/BaseFont"]) for f in pdf.pages[0]["/Resources"]["/Font"].values()]
    assert any("WenQuanYi" in f or "CJK" in f for f in fonts), fonts


def test_the_pdf_stays_on_one_page_with_many_readings_and_long_free_text(world, client_for):
    infant = make_term_infant_born_50h_ago(world.ours)
    infant.display_name = "Baby Many"
    risk = NeurotoxicityRiskFactor
    infant.neurotoxicity_risk_factors = [
        risk.ISOIMMUNE_HAEMOLYSIS,
        risk.G6PD_DEFICIENCY,
        risk.SEPSIS,
    ]
    more = HyperbilirubinemiaRiskFactor
    infant.hyperbilirubinemia_risk_factors = [
        more.JAUNDICE_FIRST_24H,
        more.HAEMOLYSIS,
        more.FAMILY_PHOTOTHERAPY,
        more.SUBOPTIMAL_BREASTFEEDING,
    ]
    infant.save()
    link(infant, guardian(first_name="Second guardian"))
    parent = client_for(world.personas["guardian"])
    for k in range(40):  # every 1.1 h from 4 h to 47 h, rising slowly
        response = post_reading(
            parent,
            infant,
            value=f"{3 + 0.3 * k:.1f}",
            method="tcb_home",
            age_hours=4 + 1.1 * k,
            key=f"letter-many-{k}",
        )
        assert response.status_code == 201, response.json()
    # The longest reason the form takes.
    long_reason = ("Rising steadily on the home meter; parents worried about feeding. " * 8)[:500]
    referral_create(
        infant=infant,
        by=world.personas["community_doctor"],
        hospital=world.hospital_a,
        reason=long_reason,
    )
    doctor = browser_for(world.personas["community_doctor"])

    page = doctor.get(letter_url(infant)).content.decode()
    assert "Earlier readings not shown here: 30" in page
    assert len(cells(page, "mg-dl")) == 10
    for language in ("en", "zh-hans"):
        pdf = pdf_of(doctor.get(letter_url(infant, pdf=True), {"lang": language}))
        assert len(pdf.pages) == 1, language
        text = pdf.pages[0].extract_text()
        assert "Baby Many" in text and "Second guardian" in text
        # The newest readings still listed (the oldest rows give way first if space is short).
        assert f"{mg_dl_shown(3 + 0.3 * 39):.1f}" in text, language
