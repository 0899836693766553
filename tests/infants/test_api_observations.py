"""Observations a parent logs: weight, feeds, stool colour (card or words), alertness."""

from datetime import timedelta

import pytest
from django.utils import timezone

from neocare.infants.models import Observation


def post(client, infant, **body):
    return client.post(f"/api/v1/infants/{infant.public_id}/observations/", body, format="json")


def minutes_ago(minutes):
    return (timezone.now() - timedelta(minutes=minutes)).isoformat()


@pytest.fixture
def parent(world, client_for):
    return client_for(world.personas["guardian"])


@pytest.mark.parametrize(
    ("card_number", "colour"),
    [
        (1, "pale"),
        (3, "pale"),  # Taiwan stool card: 1–3 are the pale, abnormal stools
        (4, "normal"),
        (6, "normal"),
    ],
)
def test_stool_card_number_is_read_by_the_cards_own_definition(world, parent, card_number, colour):
    response = post(
        parent,
        world.ours,
        observed_at=minutes_ago(5),
        stool_card_number=card_number,
        idempotency_key="obs-key-0001",
    )
    assert response.status_code == 201
    assert response.json()["stool_colour"] == colour
    assert Observation.objects.get().stool_colour == colour


def test_card_number_and_words_that_disagree_are_refused(world, parent):
    response = post(
        parent,
        world.ours,
        observed_at=minutes_ago(5),
        stool_card_number=2,
        stool_colour="normal",
        idempotency_key="obs-key-0002",
    )
    assert response.status_code == 400
    assert response.json() == {
        "stool_colour": [
            "Stool colour card number 2 means pale (white, clay or pale yellow); the two disagree."
        ]
    }
    assert Observation.objects.count() == 0


def test_card_number_outside_the_card_is_refused(world, parent):
    response = post(
        parent,
        world.ours,
        observed_at=minutes_ago(5),
        stool_card_number=7,
        idempotency_key="obs-key-0003",
    )
    assert response.status_code == 400
    assert response.json() == {
        "stool_card_number": ["Ensure this value is less than or equal to 6."]
    }


def test_empty_observation_is_refused(world, parent):
    response = post(parent, world.ours, observed_at=minutes_ago(5), idempotency_key="obs-key-0004")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Give at least one observation (weight, feeds, stool colour or alertness)."
        ]
    }


def test_weight_feeds_and_alertness_are_stored(world, parent):
    response = post(
        parent,
        world.ours,
        observed_at=minutes_ago(5),
        weight_g=3050,
        feeds_per_day=9,
        poor_feeding=True,
        lethargy=False,
        idempotency_key="obs-key-0005",
    )
    assert response.status_code == 201
    stored = Observation.objects.get()
    assert (
        stored.weight_g,
        stored.feeds_per_day,
        stored.poor_feeding,
        stored.lethargy,
        stored.high_pitched_cry,
    ) == (3050, 9, True, False, None)


def test_observation_resent_returns_the_original(world, parent):
    body = {"observed_at": minutes_ago(5), "weight_g": 3000, "idempotency_key": "obs-key-0006"}
    first, again = post(parent, world.ours, **body), post(parent, world.ours, **body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Observation.objects.count() == 1


def test_observation_in_the_future_is_refused(world, parent):
    response = post(
        parent,
        world.ours,
        weight_g=3000,
        idempotency_key="obs-key-0007",
        observed_at=(timezone.now() + timedelta(hours=1)).isoformat(),
    )
    assert response.status_code == 400
    assert list(response.json()) == ["observed_at"]
    assert Observation.objects.count() == 0
