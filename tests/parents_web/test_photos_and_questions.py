"""On /m/: a skin photo with the calibration card, questions to the community doctor and their
answers, the small chart, and the link of a timed-education message."""

import io
import re
import uuid

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from neocare.alerts.models import Alert
from neocare.audit.models import AuditEvent
from neocare.parents_web.forms import LOCAL_INPUT, WHOLE_FRAME
from neocare.photos.models import Photo
from neocare.photos.services import photo_analyse
from neocare.questions.models import Question
from neocare.questions.services import question_answer
from risk_model import photo as photo_analysis
from tests.helpers import make_term_infant_born_50h_ago
from tests.parents_web.test_pages import light_and_local, parent_client, reading_form


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.PHOTO_STORAGE_DIR = tmp_path / "photos"


@pytest.fixture
def infant(world):
    return make_term_infant_born_50h_ago(world.ours)


@pytest.fixture
def parent(world):
    return world.personas["guardian"]


def _key(page) -> str:
    return re.search(rb'name="idempotency_key" value="([^"]+)"', page.content).group(1).decode()


def card_filling_the_photo(level_mg_dl: float = 10.0) -> bytes:
    """What the page asks for: the card fills the frame."""
    image, _ = photo_analysis.render(np.random.default_rng(3), level_mg_dl, card_rect=WHOLE_FRAME)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    return out.getvalue()


def _photo_form(client, infant, data: bytes) -> dict:
    page = client.get(f"/m/infants/{infant.public_id}/photo/", follow=True)
    assert page.status_code == 200
    light_and_local(page)
    return {
        "image": SimpleUploadedFile("skin.jpg", data, content_type="image/jpeg"),
        "body_site": "forehead",
        "taken_at": timezone.localtime().strftime(LOCAL_INPUT),
        "idempotency_key": _key(page),
    }


# --- Skin photos ------------------------------------------------------------------------------
def test_a_photo_with_the_card_filling_it_is_analysed_and_its_estimate_shown(world, infant, parent):
    client = parent_client(parent)
    form = _photo_form(client, infant, card_filling_the_photo())

    sent = client.post(f"/m/infants/{infant.public_id}/photo/", form)

    assert sent.status_code == 302
    photo = Photo.objects.get(infant=infant)
    assert photo.card_rect == WHOLE_FRAME and photo.uploaded_by == parent
    waiting = client.get(sent["Location"])
    assert "正在分析" in waiting.content.decode()
    assert photo_analyse(photo.pk) == "usable"
    result = client.get(sent["Location"])
    light_and_local(result)
    text = result.content.decode()
    assert "μmol/L" in text and "mg/dL" not in text  # the Chinese page's unit
    assert "仅供筛查，不是测量值" in text


def test_a_resent_photo_form_stores_one_photo(world, infant, parent):
    client = parent_client(parent)
    data = card_filling_the_photo()
    form = _photo_form(client, infant, data)
    first = client.post(f"/m/infants/{infant.public_id}/photo/", form)
    form["image"] = SimpleUploadedFile("skin.jpg", data, content_type="image/jpeg")
    again = client.post(f"/m/infants/{infant.public_id}/photo/", form)

    assert first["Location"] == again["Location"]
    assert Photo.objects.filter(infant=infant).count() == 1


def test_a_photo_that_is_not_an_image_is_refused_on_its_field(world, infant, parent):
    client = parent_client(parent)
    form = _photo_form(client, infant, b"%PDF-1.4 not a photo")

    answer = client.post(f"/m/infants/{infant.public_id}/photo/", form)

    assert answer.status_code == 400
    assert b"errorlist" in answer.content
    assert not Photo.objects.exists()


def test_a_photo_too_large_is_refused_before_anything_is_stored(world, infant, parent, settings):
    settings.PHOTO_MAX_BYTES = 10_000
    client = parent_client(parent)
    form = _photo_form(client, infant, card_filling_the_photo() + b"\0" * 20_000)

    answer = client.post(f"/m/infants/{infant.public_id}/photo/", form)

    assert answer.status_code == 400 and not Photo.objects.exists()
    assert "照片太大" in answer.content.decode() or "too large" in answer.content.decode()


def test_an_unusable_photo_says_what_to_change(world, infant, parent):
    client = parent_client(parent)
    blurred, _ = photo_analysis.render(
        np.random.default_rng(3), 10.0, card_rect=WHOLE_FRAME, blur=6.0
    )
    out = io.BytesIO()
    blurred.save(out, format="JPEG")
    sent = client.post(
        f"/m/infants/{infant.public_id}/photo/", _photo_form(client, infant, out.getvalue())
    )
    photo = Photo.objects.get(infant=infant)
    assert photo_analyse(photo.pk) == "unusable"

    text = client.get(sent["Location"]).content.decode()

    assert "请重新拍摄" in text
    assert f"/m/infants/{infant.public_id}/photo/" in text


def test_another_familys_photo_page_is_not_found(world, parent):
    client = parent_client(parent)
    assert (
        client.get(f"/m/infants/{world.theirs.public_id}/photo/?key=web-{'0' * 32}").status_code
        == 404
    )
    assert (
        client.get(f"/m/infants/{world.theirs.public_id}/photos/{uuid.uuid4()}/").status_code == 404
    )


# --- Questions --------------------------------------------------------------------------------
def _ask(client, infant, text):
    page = client.get(f"/m/infants/{infant.public_id}/questions/", follow=True)
    assert page.status_code == 200
    light_and_local(page)
    return client.post(
        f"/m/infants/{infant.public_id}/questions/",
        {"text": text, "idempotency_key": _key(page)},
    ), _key(page)


def test_a_question_reaches_the_doctor_and_the_answer_reaches_the_page(world, infant, parent):
    client = parent_client(parent)

    sent, key = _ask(client, infant, "宝宝吃奶后总是吐奶，正常吗？")

    assert sent.status_code == 302
    question = Question.objects.get(infant=infant)
    assert (question.asked_by, question.status, question.idempotency_key) == (parent, "open", key)
    page = client.get(sent["Location"]).content.decode()
    assert "宝宝吃奶后总是吐奶" in page and "等待回复" in page
    # The next form has a fresh key: a second question is a second question.
    assert key not in page

    question_answer(
        question=question, by=world.personas["community_doctor"], answer="少量吐奶常见。"
    )

    answered = client.get(f"/m/infants/{infant.public_id}/questions/", follow=True)
    text = answered.content.decode()
    assert "社区医生的回复" in text and "少量吐奶常见。" in text
    assert AuditEvent.objects.filter(
        actor=parent, infant=infant, object_type="parents_web_questions"
    ).exists()


def test_a_resent_question_is_recorded_once(world, infant, parent):
    client = parent_client(parent)
    page = client.get(f"/m/infants/{infant.public_id}/questions/", follow=True)
    form = {"text": "黄疸什么时候退？", "idempotency_key": _key(page)}

    first = client.post(f"/m/infants/{infant.public_id}/questions/", form)
    again = client.post(f"/m/infants/{infant.public_id}/questions/", form)

    assert first.status_code == again.status_code == 302
    assert Question.objects.filter(infant=infant).count() == 1


def test_a_danger_word_gets_the_emergency_advice_on_the_page_at_once(world, infant, parent):
    client = parent_client(parent)

    sent, _ = _ask(client, infant, "宝宝叫不醒，怎么办")

    text = client.get(sent["Location"]).content.decode()
    assert "紧急建议" in text and "120" in text
    assert 'role="alert"' in text
    assert Alert.objects.filter(infant=infant, severity="emergency").exists()


def test_an_empty_question_is_a_field_error(world, infant, parent):
    client = parent_client(parent)

    answer, _ = _ask(client, infant, "   ")

    assert answer.status_code == 400 and b"errorlist" in answer.content
    assert not Question.objects.exists()


def test_another_familys_questions_are_not_found(world, parent):
    client = parent_client(parent)
    path = f"/m/infants/{world.theirs.public_id}/questions/?key=web-{'0' * 32}"
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("role", ["community_doctor", "paediatrician"])
def test_staff_get_404_on_the_new_pages(world, infant, role):
    client = Client()
    client.force_login(world.personas[role])
    for path in ("photo/", "questions/"):
        assert client.get(f"/m/infants/{infant.public_id}/{path}").status_code == 404


# --- The chart ----------------------------------------------------------------------------------
def test_the_home_page_draws_the_measurements_in_the_pages_unit(world, infant, parent):
    client = parent_client(parent)
    assert "<svg" not in client.get("/m/").content.decode()  # no reading: no chart
    for value in ("180", "220"):
        form = reading_form(client, infant)
        form["value"] = value
        client.post(f"/m/infants/{infant.public_id}/reading/", form)

    page = client.get("/m/")

    light_and_local(page)
    svg = re.search(r"<svg.*?</svg>", page.content.decode(), re.S).group(0)
    assert svg.count("<circle") == 2
    assert "μmol/L" in svg and "由 180 到 220 μmol/L" in svg


# --- What the parents see -------------------------------------------------------------------
def _observation_form(client, infant, **values) -> dict:
    page = client.get(f"/m/infants/{infant.public_id}/observation/", follow=True)
    assert page.status_code == 200
    light_and_local(page)
    return {
        "stool_card_number": "",
        "weight_g": "",
        "observed_at": timezone.localtime().strftime(LOCAL_INPUT),
        "idempotency_key": _key(page),
        **values,
    }


def test_a_pale_stool_card_number_opens_a_doctor_review(world, infant, parent):
    client = parent_client(parent)

    sent = client.post(
        f"/m/infants/{infant.public_id}/observation/",
        _observation_form(client, infant, stool_card_number="2"),
    )

    assert sent.status_code == 302
    observation = infant.observations.get()
    assert (observation.stool_card_number, observation.stool_colour) == (2, "pale")
    assert observation.lethargy is None  # unticked says nothing
    assert Alert.objects.get(infant=infant).severity == "doctor_review"
    page = client.get(sent["Location"])
    light_and_local(page)
    assert "婴儿大便比色卡 2 号" in page.content.decode()


def test_a_ticked_danger_sign_shows_the_emergency_advice(world, infant, parent):
    client = parent_client(parent)

    sent = client.post(
        f"/m/infants/{infant.public_id}/observation/",
        _observation_form(client, infant, seizures="on"),
    )

    text = client.get(sent["Location"]).content.decode()
    assert 'role="alert"' in text and "急诊" in text and "抽搐（惊厥）" in text
    assert Alert.objects.get(infant=infant).severity == "emergency"


def test_an_empty_observation_or_an_impossible_weight_is_refused(world, infant, parent):
    client = parent_client(parent)
    empty = client.post(
        f"/m/infants/{infant.public_id}/observation/", _observation_form(client, infant)
    )
    heavy = client.post(
        f"/m/infants/{infant.public_id}/observation/",
        _observation_form(client, infant, weight_g="99999"),
    )

    assert empty.status_code == heavy.status_code == 400
    assert b"errorlist" in empty.content and b"errorlist" in heavy.content
    assert not infant.observations.exists()


def test_a_resent_observation_is_recorded_once(world, infant, parent):
    client = parent_client(parent)
    form = _observation_form(client, infant, weight_g="3100")
    first = client.post(f"/m/infants/{infant.public_id}/observation/", form)
    again = client.post(f"/m/infants/{infant.public_id}/observation/", form)

    assert first["Location"] == again["Location"]
    assert infant.observations.count() == 1


def test_a_resent_photo_form_with_other_details_is_not_silently_dropped(world, infant, parent):
    client = parent_client(parent)
    data = card_filling_the_photo()
    form = _photo_form(client, infant, data)
    client.post(f"/m/infants/{infant.public_id}/photo/", form)

    corrected = {
        **form,
        "body_site": "sternum",
        "image": SimpleUploadedFile("skin.jpg", data, content_type="image/jpeg"),
    }
    answer = client.post(f"/m/infants/{infant.public_id}/photo/", corrected)

    assert answer.status_code == 400
    assert "此表单已用其他内容提交过" in answer.content.decode()
    assert Photo.objects.get(infant=infant).body_site == "forehead"
    assert _key(answer) != form["idempotency_key"]  # the next send records the correction


@pytest.mark.parametrize("key", ["", "web-" + "0" * 70, "not-a-page-key"])
@pytest.mark.parametrize("page", ["reading", "observation", "questions"])
def test_a_missing_or_bad_form_key_says_so_and_gives_a_fresh_one(world, infant, parent, page, key):
    client = parent_client(parent)
    body = {
        "reading": {"method": "tcb_home", "value": "200", "unit": "umol/L"},
        "observation": {"weight_g": "3100", "stool_card_number": ""},
        "questions": {"text": "黄疸什么时候退？"},
    }[page]
    body["idempotency_key"] = key
    if page != "questions":
        body["measured_at" if page == "reading" else "observed_at"] = timezone.localtime().strftime(
            LOCAL_INPUT
        )

    answer = client.post(f"/m/infants/{infant.public_id}/{page}/", body)

    assert answer.status_code == 400
    assert "此表单已过期" in answer.content.decode()
    assert re.fullmatch(r"web-[0-9a-f]{32}", _key(answer))
    assert not infant.readings.exists() and not infant.observations.exists()
    assert not Question.objects.exists()
