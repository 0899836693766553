"""Timed education: rules (data) send an article link by the infant's age and state, once per
rule, infant and guardian, at the lowest priority of the outbox, never after consent is
withdrawn; opening the link is recorded."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from neocare.alerts.models import Alert
from neocare.infants.models import Infant, Observation, Phototherapy
from neocare.infants.services import consent_withdraw
from neocare.knowledge.education import education_dispatch
from neocare.knowledge.models import Article, EducationRule, EducationSent
from neocare.messaging.models import Message
from neocare.messaging.services import message_enqueue, message_send, quiet_until
from tests.factories import InfantFactory, guardian, link
from tests.fake_sms_gateway import FakeGateway
from tests.helpers import quiet_now

rules_migration = importlib.import_module(
    "neocare.knowledge.migrations.0005_starter_education_rules"
)


@pytest.fixture
def rules(starter_set, publish, settings):
    """The starter rules, with every article they send published."""
    settings.SMS_QUIET_HOURS = (0, 0)
    rules_migration.load(apps, None)
    for article in Article.objects.filter(rules__isnull=False).distinct():
        publish(article)
    return {rule.code: rule for rule in EducationRule.objects.all()}


@pytest.fixture
def parent(world):
    return world.personas["guardian"]


def _born(world, hours_ago, **fields):
    infant = InfantFactory(
        registered_centre=world.centre_a1,
        birth_at=timezone.now() - timedelta(hours=hours_ago),
        **fields,
    )
    return infant


def _education(recipient):
    return Message.objects.filter(recipient=recipient, template="education")


def test_the_stool_card_goes_on_day_3_once_with_a_link_of_its_own(world, rules, parent):
    infant = _born(world, 73)
    link(infant, parent)

    education_dispatch()
    education_dispatch()  # the next run (every 15 minutes) sends nothing new

    message = _education(parent).get()
    sent = EducationSent.objects.get(guardian=parent, infant=infant)
    assert sent.rule.code == "stool-card-day-3"
    assert (message.low_priority, message.urgent, sent.message) == (True, False, message)
    assert message.params["link"].endswith(f"/m/e/{sent.token}/")
    assert message.params["title"] == rules["stool-card-day-3"].article.title_zh


def test_each_guardian_of_the_infant_receives_it_once(world, rules, parent):
    infant = _born(world, 73)
    father = guardian()
    link(infant, parent), link(infant, father)

    assert education_dispatch() == 2
    assert education_dispatch() == 0
    tokens = set(EducationSent.objects.values_list("token", flat=True))
    assert len(tokens) == 2


def test_nothing_is_sent_before_the_moment_or_after_its_window(world, rules, parent):
    # Day 3 (72 h) with a 48-hour window: 71 h is too early, 121 h too late.
    for hours in (71, 121):
        link(_born(world, hours), parent)

    education_dispatch()

    assert not _education(parent).exists()


def test_an_unpublished_article_sends_nothing(world, rules, parent):
    article = rules["stool-card-day-3"].article
    article.status = Article.Status.REVIEWED
    article.save(update_fields=["status"])
    link(_born(world, 73), parent)

    education_dispatch()

    assert not _education(parent).exists()


def test_the_prolonged_jaundice_check_follows_the_feeding(world, rules, parent, settings):
    """DOMAIN.md: 14 days formula-fed, 21 breastfed; mixed by the programme's policy."""
    settings.CLINICAL_POLICY = {**settings.CLINICAL_POLICY, "prolonged_mixed_feeding_day": 14}
    formula_14 = _born(world, 14 * 24 + 1, feeding=Infant.Feeding.FORMULA)
    breastfed_14 = _born(world, 14 * 24 + 1, feeding=Infant.Feeding.EXCLUSIVE_BREASTFEEDING)
    breastfed_21 = _born(world, 21 * 24 + 1, feeding=Infant.Feeding.EXCLUSIVE_BREASTFEEDING)
    mixed_14 = _born(world, 14 * 24 + 1, feeding=Infant.Feeding.MIXED)
    for infant in (formula_14, breastfed_14, breastfed_21, mixed_14):
        link(infant, parent)

    education_dispatch()

    reached = set(
        EducationSent.objects.filter(rule__code="prolonged-jaundice-check").values_list(
            "infant_id", flat=True
        )
    )
    assert reached == {formula_14.pk, breastfed_21.pk, mixed_14.pk}


def test_an_open_alert_holds_a_rule_back_until_it_is_resolved(world, rules, parent, record):
    infant, alert, _, _ = record  # born 50 h ago; its alert was resolved by the referral
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.OPEN, outcome="")
    Infant.objects.filter(pk=infant.pk).update(birth_at=timezone.now() - timedelta(hours=73))

    education_dispatch()
    assert not EducationSent.objects.filter(infant=infant).exists()

    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.RESOLVED, outcome="other")
    education_dispatch()
    assert _education(parent).filter(infant=infant).count() == 1


def test_a_reported_danger_sign_sends_its_article_even_with_the_emergency_alert_open(
    world, rules, parent
):
    infant = _born(world, 100)
    link(infant, parent)
    Observation.objects.create(
        infant=infant,
        observed_at=timezone.now() - timedelta(hours=1),
        lethargy=True,
        entered_by=parent,
        channel="app",
        idempotency_key="obs-danger-1",
    )

    education_dispatch()

    assert set(
        EducationSent.objects.filter(infant=infant).values_list("rule__code", flat=True)
    ) >= {"danger-signs-reported"}


def test_discharge_and_the_end_of_phototherapy_have_their_articles(world, rules, parent):
    discharged = _born(world, 40, discharged_at=timezone.now() - timedelta(hours=2))
    treated = _born(world, 120)
    for infant in (discharged, treated):
        link(infant, parent)
    Phototherapy.objects.create(
        infant=treated,
        started_at=timezone.now() - timedelta(hours=20),
        stopped_at=timezone.now() - timedelta(hours=3),
        recorded_by=world.personas["paediatrician"],
    )

    education_dispatch()

    codes = dict(EducationSent.objects.values_list("infant_id", "rule__code"))
    assert codes[discharged.pk] == "meter-at-discharge"
    assert codes[treated.pk] == "after-phototherapy"


def test_phototherapy_still_running_sends_no_rebound_article(world, rules, parent):
    treated = _born(world, 120)
    link(treated, parent)
    recorded_by = world.personas["paediatrician"]
    now = timezone.now()
    Phototherapy.objects.create(
        infant=treated,
        started_at=now - timedelta(hours=30),
        stopped_at=now - timedelta(hours=20),
        recorded_by=recorded_by,
    )
    Phototherapy.objects.create(
        infant=treated, started_at=now - timedelta(hours=2), recorded_by=recorded_by
    )

    education_dispatch()

    assert not EducationSent.objects.filter(infant=treated).exists()


def test_a_withdrawn_guardian_is_not_chosen_and_what_waits_is_cancelled(
    world, rules, parent, settings
):
    waiting = _born(world, 73)
    leaving = _born(world, 73)
    link(waiting, parent)
    other = guardian()
    link(leaving, other, withdrawn=True)
    quiet_now(settings)  # the article waits

    education_dispatch()
    message = _education(parent).get()
    assert message.status == "pending" and message.not_before > timezone.now()
    assert not _education(other).exists()

    consent_withdraw(infant=waiting, guardian=parent)

    message.refresh_from_db()
    assert (message.status, message.reason) == ("suppressed", "consent_withdrawn")


def test_quiet_hours_hold_an_article_like_every_non_urgent_message(world, rules, parent, settings):
    quiet_now(settings)
    link(_born(world, 73), parent)

    education_dispatch()

    message = _education(parent).get()
    assert message.not_before == quiet_until(message.created_at)
    assert message.not_before > message.created_at


# --- The daily budget: an article never takes a clinical message's place ----------------------
@pytest.fixture
def gateway(settings):
    with FakeGateway() as fake:
        settings.SMS_GATEWAY = "http"
        settings.SMS_GATEWAY_URL = fake.url
        settings.SMS_GATEWAY_TIMEOUT_SECONDS = 0.3
        yield fake


def _clinical(recipient, infant, *, urgent=False):
    return message_enqueue(
        recipient=recipient,
        template="reminder_second" if urgent else "reminder",
        params={"infant": infant.display_name, "due": "now"},
        infant=infant,
        urgent=urgent,
    )


def _article_message(world, rules, parent):
    infant = _born(world, 73)
    link(infant, parent)
    education_dispatch()
    return infant, _education(parent).get()


def test_an_article_waits_for_tomorrow_once_the_day_has_had_two_messages(
    world, rules, parent, gateway, settings
):
    """Defaults: budget 5, urgent reserve 1, education headroom 2 — an article goes only while
    three messages stay free (two clinical, one urgent)."""
    assert (settings.SMS_DAILY_BUDGET_PER_PHONE, settings.SMS_URGENT_RESERVE) == (5, 1)
    assert settings.SMS_EDUCATION_HEADROOM == 2
    infant = _born(world, 40)
    link(infant, parent)
    for _ in range(2):
        message_send(_clinical(parent, infant).pk)
    _, article = _article_message(world, rules, parent)

    assert message_send(article.pk) is None

    article.refresh_from_db()
    # Tomorrow, local time (not "in an hour": at 23:30 tomorrow is half an hour away).
    assert article.status == "pending"
    assert timezone.localtime(article.not_before).date() > timezone.localdate()
    # The clinical messages still have their room: two more today, then the urgent reserve.
    assert [message_send(_clinical(parent, infant).pk) for _ in range(3)] == ["sent", "sent", None]
    assert message_send(_clinical(parent, infant, urgent=True).pk) == "sent"


def test_at_most_one_article_a_day_and_clinical_messages_keep_their_room(
    world, rules, parent, gateway
):
    first_infant, first = _article_message(world, rules, parent)
    second_infant = _born(world, 168 + 1)  # day 7: another rule
    link(second_infant, parent)
    education_dispatch()
    second = _education(parent).exclude(pk=first.pk).get()
    Message.objects.filter(pk=second.pk).update(not_before=timezone.now() + timedelta(minutes=5))

    assert message_send(first.pk) == "sent"
    Message.objects.filter(pk=second.pk).update(not_before=timezone.now())
    assert message_send(second.pk) is None  # one article a day
    # After the article, three clinical messages and the urgent one still go today.
    sent = [message_send(_clinical(parent, first_infant).pk) for _ in range(4)]
    assert sent == ["sent", "sent", "sent", None]
    assert message_send(_clinical(parent, first_infant, urgent=True).pk) == "sent"


@pytest.mark.parametrize("urgent", [True, False])
def test_an_article_always_goes_alone(world, rules, parent, gateway, urgent):
    infant, article = _article_message(world, rules, parent)

    assert message_send(_clinical(parent, infant, urgent=urgent).pk) == "sent"
    article.refresh_from_db()
    assert article.status == "pending" and article.merged_into_id is None
    assert "/m/e/" not in gateway.requests[-1]["text"]

    waiting = _clinical(parent, infant)
    Message.objects.filter(pk=waiting.pk).update(not_before=timezone.now())
    assert message_send(article.pk) == "sent"
    assert gateway.requests[-1]["template_id"] == "NC_EDUCATION"
    waiting.refresh_from_db()
    assert waiting.status == "pending"


# --- Opening the link -----------------------------------------------------------------------
def test_opening_the_link_records_the_first_read_and_shows_the_article_in_the_parents_language(
    world, rules, parent, client
):
    parent.language = "en"
    parent.save(update_fields=["language"])
    _, message = _article_message(world, rules, parent)
    sent = EducationSent.objects.get(message=message)
    path = message.params["link"].split("127.0.0.1:8000", 1)[-1]

    first = client.get(path)
    sent.refresh_from_db()
    opened = sent.read_at
    again = client.get(path)
    sent.refresh_from_db()

    assert first.status_code == again.status_code == 200
    assert opened is not None and sent.read_at == opened
    assert sent.rule.article.title_en in first.content.decode()
    assert message.params["title"] == sent.rule.article.title_en


def test_an_unknown_link_is_not_found(db, client):
    assert client.get("/m/e/not-a-real-token/").status_code == 404
