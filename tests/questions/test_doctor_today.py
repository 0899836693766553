"""Issue #26, questions: a negated danger word is mentioned, unconfirmed — a doctor's call
today, never the sign; yellow palms or soles, fever, feeding less, "sleeps all the time" and
very yellow urine ask a doctor today (answered within QUESTION_DOCTOR_TODAY_HOURS, the doctor
told at once); "尿很黄" asks rather than records dark urine."""

from datetime import timedelta

import pytest
from django.utils import timezone

from neocare.infants.models import Observation
from neocare.messaging.models import Message
from neocare.questions.models import Question
from tests.questions.test_questions import ask


@pytest.mark.parametrize(
    "text",
    ["宝宝没有抽搐，就是还有点黄，要紧吗？", "No seizures, he is just a bit yellow still."],
)
def test_a_negated_danger_sign_is_mentioned_for_a_call_today_not_recorded(
    world, people, client_for, text
):
    response = ask(client_for(people["guardian"]), world.ours, text=text, key="neg-key-0001")

    assert response.status_code == 201
    question = Question.objects.get()
    assert not question.danger and question.mentioned_words and question.doctor_today
    assert question.observation is None  # no seizure recorded
    assert not Observation.objects.filter(infant=world.ours, seizures=True).exists()
    assert question.answer_due_at <= timezone.now() + timedelta(hours=4)
    told = Message.objects.get(
        template="question_today_doctor", recipient=people["community_doctor"]
    )
    assert told.urgent and told.not_before <= timezone.now()


@pytest.mark.parametrize(
    "text",
    [
        "宝宝手心和脚心都黄了",
        "宝宝有点发烧",
        "这两天吃奶少了很多",
        "宝宝一直睡，叫醒了又睡",
        "宝宝尿很黄",
        "My baby has a fever",
    ],
)
def test_words_that_ask_a_doctor_today(world, people, client_for, text):
    response = ask(client_for(people["guardian"]), world.ours, text=text, key="today-key-01")

    assert response.status_code == 201
    question = Question.objects.get()
    assert question.doctor_today and not question.danger
    assert question.answer_due_at <= timezone.now() + timedelta(hours=4)
    assert Message.objects.filter(template="question_today_doctor", urgent=True).exists()


def test_very_yellow_urine_asks_rather_than_records_dark_urine(world, people, client_for):
    ask(client_for(people["guardian"]), world.ours, text="宝宝尿很黄", key="urine-key-01")

    assert not Observation.objects.filter(infant=world.ours, dark_urine=True).exists()


def test_urine_like_strong_tea_is_still_recorded_as_dark_urine(world, people, client_for):
    ask(client_for(people["guardian"]), world.ours, text="宝宝的尿像浓茶一样", key="urine-key-02")

    assert Observation.objects.filter(infant=world.ours, dark_urine=True).exists()


def test_an_ordinary_question_waits_for_the_usual_answer_time(world, people, client_for):
    ask(client_for(people["guardian"]), world.ours, text="宝宝可以晒太阳吗？", key="plain-key-1")

    question = Question.objects.get()
    assert not question.doctor_today
    assert question.answer_due_at > timezone.now() + timedelta(hours=20)
