"""The whole parent story on a phone, in Chinese (issue #15): a community doctor links the
mother → her invitation arrives → she signs in with the code the file gateway received → logs
a reading and reads the advice → opens the stool-card article from the timed-education SMS →
asks a question → the doctor answers in the console → she reads the answer.

The outbox's send task runs in-process (Celery's eager mode) into the file gateway, the
boundary a parent's phone stands behind. And axe-core finds no serious or critical violation
on any /m/ page.
"""

import importlib
import json
import os
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db.models import F
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from neocare.celery import app as celery_app
from neocare.infants.models import Channel, Reading
from neocare.infants.services import reading_record
from neocare.knowledge import services as knowledge
from neocare.knowledge.education import education_dispatch
from neocare.knowledge.models import Article, EducationSent
from neocare.messaging.models import Message, PhoneDay
from neocare.messaging.services import messages_sweep
from neocare.network.models import User
from neocare.questions.models import Question
from tests.browser.conftest import CHROMIUM, FLAGS, signed_in
from tests.browser.test_accessibility import AXE, axe_violations
from tests.parents_web.test_photos_and_questions import card_filling_the_photo

starter_articles = importlib.import_module(
    "neocare.knowledge.migrations.0003_tags_and_starter_articles"
)
consent_v1 = importlib.import_module("neocare.infants.migrations.0007_consent_text_v1")
starter_rules = importlib.import_module("neocare.knowledge.migrations.0005_starter_education_rules")

PHONE = "+8613912345678"
PHONE_VIEWPORT = {"width": 360, "height": 740}


@pytest.fixture
def sms(settings, tmp_path, live_server):
    """Messages go to a file, at once (no quiet hours here), with links to this server."""
    settings.SMS_GATEWAY = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.jsonl"
    settings.SMS_QUIET_HOURS = (0, 0)
    settings.PARENT_PAGE_URL = f"{live_server.url}/m/"
    celery_app.conf.task_always_eager = True
    yield settings.SMS_FILE_PATH
    celery_app.conf.task_always_eager = False


def texts_to(path, phone: str, template_id: str) -> list[str]:
    if not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [m["text"] for m in lines if m["phone"] == phone and m["template_id"] == template_id]


def published_starter_set(world):
    """The starter articles and rules, the ones the story needs reviewed and published, and
    the consent text (migrations' rows: a transactional test before may have flushed them)."""
    consent_v1.first_version(apps, None)
    starter_articles.load_starter_set(apps, None)
    starter_rules.load(apps, None)
    for slug in ("stool-colour-card", "danger-signs", "using-the-home-meter"):
        article = Article.objects.get(slug=slug)
        knowledge.article_review(article=article, by=world.personas["paediatrician"])
        knowledge.article_publish(article=article)


def link_the_mother(world, infant):
    """The community doctor links the mother (the clinicians' app, through the API)."""
    client = APIClient()
    _, token = AuthToken.objects.create(user=world.personas["community_doctor"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    answer = client.post(
        f"/api/v1/infants/{infant.public_id}/guardians/",
        {
            "phone_number": PHONE,
            "display_name": "林妈妈",
            "relationship": "mother",
            "consent_given_at": timezone.now().isoformat(),
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content


def sign_in_with_the_code(page, base, sms_file):
    page.get_by_label("手机号码").fill(PHONE[3:])  # as a parent types it, without +86
    page.get_by_role("button", name="发送验证码").click()
    page.wait_for_load_state()
    code = re.search(r"\d{6}", texts_to(sms_file, PHONE, "NC_AUTH_CODE")[-1]).group(0)
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


@pytest.fixture(scope="module")
def browser():
    """Chromium in Chinese, as on a parent's phone: its own controls (the file picker, the
    date field) speak Chinese too, which the screenshots show."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[*FLAGS, "--lang=zh-CN"],
            env={**os.environ, "LANGUAGE": "zh_CN:zh", "LANG": "zh_CN.UTF-8"},
        )
        yield browser
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_the_whole_parent_story_on_a_phone(world, live_server, browser, sms, shots):
    infant = world.ours
    infant.display_name = "林宝宝"
    # Day 3 and a little: the stool-card rule's moment (72 h) has come.
    infant.birth_at = timezone.now() - timedelta(hours=74)
    infant.gestational_age_weeks, infant.gestational_age_days = 39, 0
    infant.save()
    published_starter_set(world)
    # The centre measured her before discharge, at 48 hours.
    reading_record(
        infant=infant,
        method=Reading.Method.TCB_CLINIC,
        value=Decimal("120"),
        unit="umol/L",
        measured_at=infant.birth_at + timedelta(hours=48),
        entered_by=world.personas["community_doctor"],
        channel=Channel.CLINICIAN,
        idempotency_key="story-clinic-48h",
        announce=False,
    )

    # 1. Linked by her community doctor: the invitation arrives, with the page's address.
    link_the_mother(world, infant)
    invitation = texts_to(sms, PHONE, "NC_INVITATION")
    assert len(invitation) == 1 and infant.display_name in invitation[0]
    address = re.search(r"https?://\S+/m/", invitation[0]).group(0)
    assert address == f"{live_server.url}/m/"

    context = browser.new_context(viewport=PHONE_VIEWPORT, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.goto(address)
    page.screenshot(path=shots / "mobile-sign-in-zh.png", full_page=True)

    # 2. Signs in with the code the gateway received.
    sign_in_with_the_code(page, live_server.url, sms)
    assert page.get_by_role("heading", name="我的宝宝").is_visible()
    assert page.get_by_role("heading", name="林宝宝").is_visible()

    # 3. Logs a reading and reads the advice.
    page.get_by_role("link", name="记录测量值").click()
    page.get_by_label("数值").fill("150")
    page.get_by_role("button", name="保存测量值").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="测量值已保存").is_visible()
    reading = Reading.objects.get(infant=infant, entered_by__phone_number=PHONE)
    advice = reading.assessment.result["advice"]["zh-hans"]
    assert advice in page.locator("main").inner_text()
    assert len(texts_to(sms, PHONE, "NC_READING_RESULT")) == 1  # and by SMS

    # 4. The timed-education message (beat runs it every 15 minutes) brings the stool card —
    # not today: the invitation, the code and the result have used what an article may use of
    # the day's budget, so it waits for the morning (the sweeper sends it then).
    education_dispatch()
    waiting = Message.objects.get(phone=PHONE, template="education")
    assert waiting.status == "pending" and waiting.not_before > timezone.now()
    assert texts_to(sms, PHONE, "NC_EDUCATION") == []
    PhoneDay.objects.filter(phone=PHONE).update(day=F("day") - timedelta(days=1))  # next day
    Message.objects.filter(pk=waiting.pk).update(not_before=timezone.now())
    messages_sweep()
    education = texts_to(sms, PHONE, "NC_EDUCATION")
    assert len(education) == 1 and "大便比色卡" in education[0]
    page.goto(re.search(r"https?://\S+/m/e/\S+/", education[0]).group(0))
    assert page.get_by_role("heading", name=re.compile("大便比色卡")).first.is_visible()
    sent = EducationSent.objects.get(infant=infant, guardian__phone_number=PHONE)
    assert sent.rule.code == "stool-card-day-3" and sent.read_at is not None
    page.screenshot(path=shots / "mobile-article-zh.png", full_page=True)

    # 5. Asks the community doctor.
    page.goto(f"{live_server.url}/m/")
    page.get_by_role("link", name="咨询社区医生").click()
    page.get_by_label("您的问题").fill("宝宝的大便有点发白，需要去医院吗？")
    page.get_by_role("button", name="发送问题").click()
    page.wait_for_load_state()
    assert "等待回复" in page.locator("main").inner_text()
    question = Question.objects.get(infant=infant)
    assert question.status == "open" and not question.danger

    # 6. The doctor answers in the console (in Chinese).
    doctor = signed_in(browser, live_server, world.personas["community_doctor"], language="zh")
    doctor.goto(f"{live_server.url}/console/questions/")
    card = doctor.locator(".question", has_text="大便有点发白")
    card.get_by_label("您的回答").fill("请今天带宝宝和大便比色卡来社区卫生服务中心。")
    card.get_by_role("button", name="发送回答").click()
    doctor.wait_for_load_state()
    question.refresh_from_db()
    assert question.status == "answered"
    doctor.context.close()

    # 7. The answer reaches her: by SMS, and on the page.
    assert "请今天带宝宝" in texts_to(sms, PHONE, "NC_QUESTION_ANSWER")[0]
    page.reload()
    main = page.locator("main").inner_text()
    assert "社区医生的回复" in main and "请今天带宝宝和大便比色卡来社区卫生服务中心。" in main
    page.screenshot(path=shots / "mobile-question-answered-zh.png", full_page=True)

    page.goto(f"{live_server.url}/m/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
    assert page.locator("main svg.chart circle").count() == 2  # the centre's and hers
    page.screenshot(path=shots / "mobile-my-babies-zh.png", full_page=True)
    page.goto(f"{live_server.url}/m/infants/{infant.public_id}/observation/")
    page.screenshot(path=shots / "mobile-observation-zh.png", full_page=True)
    page.goto(f"{live_server.url}/m/infants/{infant.public_id}/photo/")
    page.screenshot(path=shots / "mobile-photo-zh.png", full_page=True)
    assert User.objects.get(phone_number=PHONE).role == User.Role.GUARDIAN
    context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale", ["zh-CN", "en-GB"])
def test_axe_finds_no_serious_violation_on_any_parents_page(
    world, live_server, browser, sms, locale, settings, tmp_path
):
    settings.PHOTO_STORAGE_DIR = tmp_path / "photos"
    assert AXE.exists(), "run `make test` (it installs axe-core from package-lock.json)"
    infant = world.ours
    infant.birth_at = timezone.now() - timedelta(hours=74)
    infant.save()
    published_starter_set(world)
    link_the_mother(world, infant)
    mother = User.objects.get(phone_number=PHONE)
    if locale == "en-GB":
        mother.language = "en"
        mother.save(update_fields=["language"])
    base = f"{live_server.url}/m"
    context = browser.new_context(viewport=PHONE_VIEWPORT, locale=locale, bypass_csp=True)
    page = context.new_page()
    found = {}

    def check(name):
        if violations := axe_violations(page):
            found[name] = violations

    page.goto(f"{base}/sign-in/")
    check("sign-in")
    page.get_by_label(re.compile("手机号码|Mobile phone number")).fill(PHONE[3:])
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()
    check("sign-in code")
    code = re.search(r"\d{6}", texts_to(sms, PHONE, "NC_AUTH_CODE")[-1]).group(0)
    page.locator("input[name=code]").fill(code)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    for name, path in [
        ("reading form", f"/infants/{infant.public_id}/reading/"),
    ]:
        page.goto(base + path)
        check(name)
    page.locator("input[name=value]").fill("150")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    check("reading result")
    page.goto(f"{base}/")
    check("home with a reading")
    page.goto(f"{base}/infants/{infant.public_id}/questions/")
    check("questions")
    page.locator("textarea[name=text]").fill("宝宝叫不醒")  # a danger word: the emergency answer
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    check("questions with an emergency answer")
    page.goto(f"{base}/infants/{infant.public_id}/observation/")
    check("what you see")
    page.get_by_label("2", exact=True).check()
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    check("what you see, saved")
    page.goto(f"{base}/infants/{infant.public_id}/photo/")
    check("photo form")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "skin.jpg", "mimeType": "image/jpeg", "buffer": card_filling_the_photo()}]
    )
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert "/photos/" in page.url
    check("photo result")
    for name, path in [
        ("articles", "/articles/"),
        ("article search", "/articles/?q=大便"),
        ("consent", "/consent/"),
        ("withdraw consent", f"/consent/{infant.public_id}/withdraw/"),
    ]:
        page.goto(base + path)
        check(name)
    page.goto(f"{base}/articles/")
    page.locator("ul.list a").first.click()
    page.wait_for_load_state()
    check("article")
    education_dispatch()  # the link is written now (sent when the day's budget allows)
    page.goto(f"{base}/e/{EducationSent.objects.filter(guardian=mother).first().token}/")
    check("education link")
    context.close()
    assert found == {}
