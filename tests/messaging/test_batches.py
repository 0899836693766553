"""Sending in batches (issue #18): one gateway call carries many messages, each with its own
idempotency key and outcome; the budget, merging and at-most-once rules hold inside a batch."""

from datetime import timedelta

import pytest
from django.utils import timezone

from neocare.messaging.models import Message, PhoneDay
from neocare.messaging.services import Draft, messages_enqueue, messages_send
from tests.factories import guardian
from tests.helpers import at_once

ARTICLE = {"template": "education", "low_priority": True, "params": {"title": "黄疸", "link": "-"}}


def wave(recipients, **draft):
    return messages_enqueue(
        [
            Draft(
                recipient=r,
                template=draft.pop("template", "reminder"),
                params=draft.pop("params", {"infant": "宝宝", "due": "now"}),
                **draft,
            )
            for r in recipients
        ]
    )


def test_a_batch_is_one_call_and_each_message_keeps_its_own_key_and_outcome(db, gateway):
    parents = [guardian() for _ in range(5)]
    gateway.refuse.add(str(parents[2].phone_number))
    messages = wave(parents)

    outcomes = messages_send([m.pk for m in messages])

    assert gateway.batches == [5] and len(gateway.requests) == 1
    assert outcomes == {m.pk: ("failed" if m.recipient == parents[2] else "sent") for m in messages}
    refused = Message.objects.get(pk=messages[2].pk)
    assert (refused.status, refused.reason) == ("failed", "rejected")
    assert "unreachable" in refused.last_error
    for message in Message.objects.exclude(pk=refused.pk):
        assert message.status == "sent"
        assert message.provider_message_id == f"fake-{message.public_id}"
    assert set(gateway.delivered) == {str(m.public_id) for m in messages} - {str(refused.public_id)}


def test_a_failed_call_retries_the_whole_batch_and_each_text_goes_once(db, gateway):
    messages = wave([guardian() for _ in range(3)])
    ids = [m.pk for m in messages]
    gateway.answer((200, 1.0))  # delivered, but after the client gave up

    assert set(messages_send(ids).values()) == {"retry"}
    assert set(Message.objects.values_list("status", flat=True)) == {"pending"}
    assert set(messages_send(ids).values()) == {"sent"}

    assert gateway.batches == [3, 3]
    assert len(gateway.delivered) == 3  # the repeat was recognised by its keys
    assert messages_send(ids) == dict.fromkeys(ids)  # nothing is sent a third time


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_racing_senders_of_one_batch_send_each_message_once(gateway):
    messages = wave([guardian() for _ in range(20)])
    ids = [m.pk for m in messages]

    results = at_once(lambda: messages_send(ids))

    sent = [pk for outcome in results for pk, o in outcome.items() if o == "sent"]
    assert sorted(sent) == sorted(ids)  # each by exactly one of the senders
    keys = [m["idempotency_key"] for r in gateway.requests for m in r.get("messages", [r])]
    assert sorted(keys) == sorted(str(m.public_id) for m in messages)


def test_in_a_batch_urgent_goes_first_and_carries_what_waits_for_its_number(db, gateway, settings):
    settings.SMS_DAILY_BUDGET_PER_PHONE, settings.SMS_URGENT_RESERVE = 2, 1
    parent = guardian()
    PhoneDay.objects.create(phone=str(parent.phone_number), day=timezone.localdate(), sent=1)
    routine = wave([parent])[0]
    urgent = wave([parent], template="reminder_second", urgent=True)[0]

    messages_send([routine.pk, urgent.pk])  # the routine one first, as handed out

    routine.refresh_from_db()
    urgent.refresh_from_db()
    assert urgent.status == "sent"
    assert (routine.status, routine.merged_into_id) == ("merged", urgent.pk)
    assert routine.sent_at == urgent.sent_at
    [request] = gateway.requests  # one text: the budget's reserve was for this
    assert request["template_id"] == "NC_COMBINED"
    assert PhoneDay.objects.get(phone=parent.phone_number).sent == 2


def test_in_a_batch_the_budget_and_the_education_limit_count_what_the_batch_sends(
    db, gateway, settings
):
    settings.SMS_DAILY_BUDGET_PER_PHONE, settings.SMS_URGENT_RESERVE = 5, 1
    settings.SMS_EDUCATION_HEADROOM, settings.SMS_EDUCATION_PER_DAY = 2, 1
    parent = guardian()
    articles = [wave([parent], **ARTICLE)[0] for _ in range(2)]
    urgent = [wave([parent], urgent=True)[0] for _ in range(5)]

    outcomes = messages_send([m.pk for m in articles + urgent])

    assert [outcomes[m.pk] for m in urgent] == ["sent"] * 5  # urgent goes past the budget
    # Five urgent texts went first: no room is left for an article today.
    for article in articles:
        article.refresh_from_db()
        assert article.status == "pending"
        assert timezone.localtime(article.not_before).date() > timezone.localdate()
    assert PhoneDay.objects.get(phone=parent.phone_number).sent == 5


def test_one_article_a_day_even_when_two_are_in_one_batch(db, gateway, settings):
    settings.SMS_EDUCATION_PER_DAY = 1
    parent = guardian()
    first, second = (wave([parent], **ARTICLE)[0] for _ in range(2))

    outcomes = messages_send([first.pk, second.pk])

    assert sorted(outcomes.values(), key=str) == [None, "sent"]
    assert Message.objects.filter(status="sent").count() == 1
    held = Message.objects.get(status="pending")
    assert held.not_before > timezone.now() + timedelta(minutes=1)


def test_without_a_batch_api_each_message_is_its_own_call(db, gateway, settings):
    settings.SMS_GATEWAY_BATCH_URL = ""
    messages = wave([guardian() for _ in range(3)])

    assert set(messages_send([m.pk for m in messages]).values()) == {"sent"}
    assert gateway.batches == [] and len(gateway.requests) == 3
