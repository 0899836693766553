"""Issue #15: a newly linked guardian gets the SMS invitation (the programme, what it does, how
to leave, the parents' page); consent is recorded with the version of the text agreed to."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from neocare.infants.models import ConsentText, Guardianship
from neocare.infants.services import consent_withdraw
from neocare.messaging.models import Message

PHONE = "+8613912345678"


def link(client, infant, **change):
    body = {
        "phone_number": PHONE,
        "display_name": "王女士",
        "relationship": "mother",
        "consent_given_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        **change,
    }
    return client.post(f"/api/v1/infants/{infant.public_id}/guardians/", body, format="json")


def invitations():
    return Message.objects.filter(phone=PHONE, template="invitation")


def test_a_new_guardian_is_invited_in_chinese_with_the_page_and_how_to_leave(
    world, client_for, settings
):
    answer = link(client_for(world.personas["community_doctor"]), world.ours)
    assert answer.status_code == 201
    row = next(g for g in answer.json() if g["phone_number"] == PHONE)
    assert row["consent_version"] == ConsentText.current().version == "1"

    message = invitations().get()
    assert not message.urgent  # an invitation waits for the end of quiet hours
    from neocare.messaging.templates import render

    text = render(message.template, message.params, "zh-hans")
    assert text.startswith("【新生儿黄疸随访】")
    assert world.ours.display_name in text and world.ours.registered_centre.name in text
    assert settings.PARENT_PAGE_URL in text and "TD" in text and "{" not in text
    english = render(message.template, message.params, "en")
    assert "reply TD" in english and "%(" not in english


def test_linking_again_does_not_invite_again_but_consenting_after_withdrawal_does(
    world, client_for
):
    doctor = client_for(world.personas["community_doctor"])
    link(doctor, world.ours)
    link(doctor, world.ours, relationship="other")  # a correction, same consent
    assert invitations().count() == 1

    guardianship = Guardianship.objects.get(guardian__phone_number=PHONE)
    consent_withdraw(infant=world.ours, guardian=guardianship.guardian)
    link(doctor, world.ours, consent_given_at=timezone.now().isoformat())
    assert invitations().count() == 2


def test_consent_records_the_version_agreed_and_unknown_versions_are_refused(world, client_for):
    doctor = client_for(world.personas["community_doctor"])
    ConsentText.objects.create(
        version="2", text_zh="新", text_en="new", in_force_from=timezone.now() - timedelta(days=1)
    )
    assert ConsentText.current().version == "2"

    link(doctor, world.ours, consent_version="1")  # the parent signed the older paper form
    assert Guardianship.objects.get(guardian__phone_number=PHONE).consent_text.version == "1"

    refused = link(doctor, world.ours, consent_version="99")
    assert refused.status_code == 400 and "consent_version" in refused.json()


def test_a_future_text_is_not_in_force_yet(db):
    ConsentText.objects.create(
        version="3",
        text_zh="将来",
        text_en="later",
        in_force_from=timezone.now() + timedelta(days=1),
    )
    assert ConsentText.current().version == "1"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_consent_text_in_force_is_public_in_both_languages(db, language):
    body = APIClient(HTTP_ACCEPT_LANGUAGE=language).get("/api/v1/consent-text/").json()
    assert body["version"] == "1"
    assert "TD" in body["text_zh"] and "TD" in body["text_en"]
    assert datetime.fromisoformat(body["in_force_from"]) == datetime(2026, 1, 1, tzinfo=UTC)
