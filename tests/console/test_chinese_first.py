"""Chinese first (issue #14): every console page rendered in zh-Hans shows no English word from
the catalogue and no raw code; bilirubin values come in the clinician's unit (µmol/L by default
in Chinese), the other unit in small print, numbers exactly as `risk_model/units.py` gives them.
"""

import ast
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from neocare.alerts.models import Alert, Referral
from neocare.alerts.services import call_record, referral_update
from neocare.infants.models import ActionLevel, Reading
from neocare.messaging.templates import TEMPLATES
from neocare.photos.models import Photo
from risk_model.units import mg_dl_shown, to_mg_dl, umol_l_shown
from tests.helpers import browser_for, make_term_infant_born_50h_ago, post_reading

CATALOGUE = Path(__file__).parents[2] / "neocare/locale/zh_Hans/LC_MESSAGES/django.mo"
# Names and abbreviations that are the same in both languages (GLOSSARY.md keeps them).
KEPT = {"NeoCare", "AAP", "TcB", "TSB", "CSV", "G6PD", "DAT", "SMS", "QR"}


class VisibleText(HTMLParser):
    """The text a reader sees: no markup, attributes, scripts or styles — and not what is marked
    as another language (`lang="en"`: the link to the English version names itself in English,
    as language switches do)."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden, self.foreign = [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self.hidden += 1
        lang = dict(attrs).get("lang")
        if lang and not lang.startswith("zh"):
            self.foreign.append(tag)
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self.hidden -= 1
        if self.foreign and self.foreign[-1] == tag:
            self.foreign.pop()
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def po_entries() -> list[tuple[str, str]]:
    """(msgid, msgstr) of every entry in the zh-Hans catalogue source (plural: the first form),
    translated or not: an untranslated msgid shows in English, so it counts."""
    entries, current, field = [], {}, None
    for line in CATALOGUE.with_suffix(".po").read_text(encoding="utf-8").splitlines():
        if line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[0] ")):
            field, _, rest = line.partition(" ")
            if field == "msgid" and current:
                entries.append(current)
                current = {}
            current[field] = ast.literal_eval(rest)
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)
        elif not line.strip():
            field = None
    entries.append(current)
    return [
        (e["msgid"], e.get("msgstr", e.get("msgstr[0]", "")))
        for e in entries
        if e.get("msgid") and "#~" not in e["msgid"]
    ]


def english_phrases() -> set[str]:
    """Every English msgid of the catalogue, as the words a reader would spot."""
    phrases = set()
    for msgid, msgstr in po_entries():
        if msgid == msgstr:
            continue
        for piece in re.split(r"%\([a-z_]+\)[sd]|\{[a-z_]*\}|[:;,.()\"“”]", msgid):
            words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", piece) if w not in KEPT]
            if words and (len(words) > 1 or len(words[0]) >= 4):
                phrases.add(" ".join(words))
    return phrases


def test_every_catalogue_entry_is_translated():
    entries = po_entries()
    assert len(entries) > 300
    assert [msgid for msgid, msgstr in entries if not msgstr] == []


def raw_codes() -> set[str]:
    """Stored codes a page must show as words."""
    codes = {level.code for level in ActionLevel} | set(TEMPLATES)
    for choices in (Alert.Status, Alert.Outcome, Referral.Status, Referral.Treatment):
        codes |= set(choices.values)
    codes |= set(Reading.Method.values) | set(Photo.Status.values)
    return {c for c in codes if "_" in c} | {"umol/L"}


def problems(text: str, phrases: set[str], codes: set[str]) -> list[str]:
    found = [p for p in phrases if re.search(rf"(?<![A-Za-z]){re.escape(p)}(?![A-Za-z])", text)]
    found += [c for c in codes if re.search(rf"(?<![\w/]){re.escape(c)}(?![\w])", text)]
    return sorted(found)


@pytest.fixture
def full_record(world, record, client_for):
    """The audit fixture's record (an alert, a referral, a photo) with a call, a treatment
    and more readings, so that every kind of timeline line and summary fact is drawn."""
    infant, alert, referral, photo = record
    parent = client_for(world.personas["guardian"])
    post_reading(parent, infant, value="250", unit="umol/L", key="zh-first-2", age_hours=44)
    call_record(infant=infant, by=world.personas["community_doctor"], reached=True, note="")
    referral_update(
        referral=referral,
        by=world.personas["paediatrician"],
        status=Referral.Status.TREATED,
        treatment=Referral.Treatment.PHOTOTHERAPY,
        phototherapy_started_at=infant.birth_at + timedelta(hours=45),
        phototherapy_stopped_at=infant.birth_at + timedelta(hours=49),
    )
    return infant


def zh_pages(world, infant) -> list[tuple[str, str]]:
    record = reverse("console:infant", args=[infant.public_id])
    return [
        ("community_doctor", reverse("console:triage")),
        ("community_doctor", record),
        ("community_doctor", reverse("console:referral-letter", args=[infant.public_id])),
        ("district_doctor", reverse("console:triage")),
        ("district_doctor", reverse("console:district")),
        ("paediatrician", reverse("console:referrals")),
        ("paediatrician", record),
        ("health_admin", reverse("console:region")),
    ]


def test_every_page_in_chinese_has_no_english_word_and_no_raw_code(world, full_record):
    phrases, codes = english_phrases(), raw_codes()
    assert "Latest assessment" in phrases and "urgent_referral" in codes  # the check can fail
    assert problems("Latest assessment: urgent_referral", phrases, codes) == [
        "Latest assessment",
        "urgent_referral",
    ]
    for role, url in zh_pages(world, full_record):
        response = browser_for(world.personas[role], language="zh-hans").get(url)
        assert response.status_code == 200, (role, url)
        text = visible(response.content.decode())
        assert problems(text, phrases, codes) == [], (role, url)
    sign_in = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(reverse("console:login"))
    assert problems(visible(sign_in.content.decode()), phrases, codes) == []


def test_the_dashboard_in_chinese_has_iso_date_inputs_and_translated_headers(world, record):
    admin = browser_for(world.personas["health_admin"], language="zh-hans")
    page = admin.get(reverse("console:region")).content.decode()
    # A date input only takes an ISO value: anything else leaves it blank and blocks 显示.
    values = re.findall(r'<input type="date" name="(?:start|end)" value="([^"]*)"', page)
    assert len(values) == 2 and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in values)
    shown = admin.get(reverse("console:region"), {"start": values[0], "end": values[1]})
    assert shown.status_code == 200 and shown.context["form"].is_valid()
    for header in ("区", "今日社区医生评估", "紧急转诊至医院", "急症", "换血治疗", "未治疗"):
        assert f'<th scope="col">{header}</th>' in page


def test_the_csv_has_the_page_headers_then_stable_machine_names(world, record):
    admin = browser_for(world.personas["health_admin"], language="zh-hans")
    lines = admin.get(reverse("console:region-csv", args=["alerts"])).content.decode().splitlines()
    assert lines[0].startswith("区,今日社区医生评估,紧急转诊至医院,急症")
    assert lines[1] == (
        "district,doctor_review,urgent_referral,emergency,"
        "median_minutes_to_acknowledge,p90_minutes_to_acknowledge"
    )
    english = browser_for(world.personas["health_admin"])
    lines_en = english.get(reverse("console:region-csv", args=["alerts"])).content.decode()
    assert lines_en.splitlines()[1] == lines[1]  # the machine row never changes


def test_an_empty_alerts_chart_says_so_instead_of_drawing_an_empty_frame(world):
    admin = browser_for(world.personas["health_admin"], language="zh-hans")
    response = admin.get(reverse("console:region"))
    assert response.context["charts"]["alerts"] is None
    assert "本期无预警" in response.content.decode()


def test_values_come_in_the_clinicians_unit_with_the_other_in_small_print(world, full_record):
    infant = full_record
    reading = infant.readings.get(unit_as_sent="umol/L")
    umol, mg = umol_l_shown(reading.value_as_sent, "umol/L"), mg_dl_shown(to_mg_dl(250, "umol/L"))
    assert (umol, f"{mg}") == (250, "14.6")
    doctor = world.personas["community_doctor"]
    url = reverse("console:infant", args=[infant.public_id])

    zh = browser_for(doctor, language="zh-hans")
    page = zh.get(url).content.decode()
    assert (
        f'<span class="bili">{umol} μmol/L</span> <small class="muted">({mg} mg/dL)</small>' in page
    )
    assert ">μmol/L</text>" in page  # the chart's axis

    assert zh.post(reverse("console:display-unit"), {"display_unit": "mg/dL"}).status_code == 302
    doctor.refresh_from_db()
    assert doctor.display_unit == "mg/dL"
    page = zh.get(url).content.decode()
    assert (
        f'<span class="bili">{mg} mg/dL</span> <small class="muted">({umol} μmol/L)</small>' in page
    )
    assert ">mg/dL</text>" in page

    assert zh.post(reverse("console:display-unit"), {"display_unit": "kg"}).status_code == 400
    en = browser_for(world.personas["district_doctor"])  # no choice made: English → mg/dL
    assert f'<span class="bili">{mg} mg/dL</span>' in en.get(url).content.decode()


def test_the_resolve_outcome_has_no_default(world, client_for):
    infant = make_term_infant_born_50h_ago(world.ours)
    post_reading(client_for(world.personas["guardian"]), infant, value="17.0", key="resolve-1")
    alert = Alert.objects.get(infant=infant)
    doctor = browser_for(world.personas["community_doctor"])
    page = doctor.get(reverse("console:infant", args=[infant.public_id])).content.decode()
    select = re.search(r'<select name="outcome".*?</select>', page, re.S).group(0)
    assert '<option value="" selected>' in select and "required" in select
    refused = doctor.post(reverse("console:resolve", args=[infant.public_id]), {"note": "x"})
    assert refused.status_code == 400
    alert.refresh_from_db()
    assert alert.status != Alert.Status.RESOLVED


def test_the_timeline_is_grouped_by_day_and_folds_unchanged_reassessments(world, full_record):
    infant = full_record
    doctor = browser_for(world.personas["community_doctor"], language="zh-hans")
    url = reverse("console:infant", args=[infant.public_id])
    days = doctor.get(url).context["timeline"]
    moments = [e.at for day in days for e in day.events]
    assert moments == sorted(moments, reverse=True)
    assert len({d.date for d in days}) == len(days)
    readings = [e for day in days for e in day.events if e.kind == "reading"]
    assert len(readings) == infant.readings.count()
    assert all(e.assessment is not None for e in readings)  # each reading with its action

    only_calls = doctor.get(url, {"kind": "call"}).context["timeline"]
    assert {e.kind for day in only_calls for e in day.events} == {"call"}
