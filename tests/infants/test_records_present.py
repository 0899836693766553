"""One query says which records besides readings an assessment must read; each absent kind
spares its query, and what the engine is given is the same as reading them all."""

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from neocare.alerts.services import referral_create
from neocare.infants import services
from neocare.infants.assessments import RECORDS, infant_facts, records_present
from tests.helpers import make_term_infant_born_50h_ago, post_reading


def facts_both_ways(infant):
    present = records_present(infant)
    assert infant_facts(infant, present) == infant_facts(infant)  # all read, whatever `present`
    return present


def test_each_kind_of_record_is_seen_and_the_facts_are_the_same(world, client_for):
    infant = make_term_infant_born_50h_ago(world.ours)
    doctor, paediatrician = world.personas["community_doctor"], world.personas["paediatrician"]
    assert facts_both_ways(infant) == frozenset()

    post_reading(client_for(world.personas["guardian"]), infant, value="8.0", key="present-1")
    assert facts_both_ways(infant) == frozenset()  # readings are read anyway

    services.observation_record(
        infant=infant,
        observed_at=timezone.now() - timedelta(minutes=5),
        entered_by=world.personas["guardian"],
        channel="app",
        idempotency_key="present-2",
        stool_colour="normal",
    )
    assert facts_both_ways(infant) == {"observations"}

    referral_create(infant=infant, by=doctor, hospital=world.hospital_a)
    assert facts_both_ways(infant) == {"observations", "hospital"}

    services.phototherapy_record(
        infant=infant, by=paediatrician, started_at=timezone.now() - timedelta(hours=1)
    )
    infant.gestational_age_weeks = 34  # thresholds are set only where AAP 2022 has none
    infant.save()
    services.clinician_threshold_set(
        infant=infant, by=paediatrician, phototherapy=Decimal("12"), exchange=None, unit="mg/dL"
    )
    assert facts_both_ways(infant) == RECORDS - {"photos", "requests"}


def test_an_open_request_of_the_plan_is_seen(world, client_for):
    infant = make_term_infant_born_50h_ago(world.ours)
    # TcB 13.0 at 48 h, 39 weeks: within 3 mg/dL of phototherapy, so a TSB is asked for.
    post_reading(
        client_for(world.personas["guardian"]),
        infant,
        value="13.0",
        key="present-6",
        method="tcb_home",
    )
    assert facts_both_ways(infant) == {"requests"}


def test_an_open_urgent_alert_alone_counts_as_a_pending_hospital_visit(world, client_for):
    infant = make_term_infant_born_50h_ago(world.ours)
    post_reading(client_for(world.personas["guardian"]), infant, value="19.0", key="present-3")

    assert facts_both_ways(infant) == {"hospital"}
    assert infant_facts(infant).hospital_visit_pending_action is not None


def test_a_reading_of_an_infant_with_nothing_else_skips_those_queries(world, client_for):
    infant = make_term_infant_born_50h_ago(world.ours)
    client = client_for(world.personas["guardian"])
    post_reading(client, infant, value="8.0", key="present-4", age_hours=49)

    with CaptureQueriesContext(connection) as queries:
        post_reading(client, infant, value="8.5", key="present-5")
    sql = [q["sql"] for q in queries.captured_queries]

    for table in ("infants_observation", "infants_phototherapy", "alerts_referral", "photos_photo"):
        assert sum(f'FROM "{table}"' in s for s in sql) == 1  # the one query of EXISTS tests


def test_only_a_usable_photo_counts_and_each_infant_gets_its_own_answer(world):
    """The query is compiled once per process; each call asks about its own infant."""
    from neocare.photos.models import Photo

    with_photo = make_term_infant_born_50h_ago(world.ours)
    without = make_term_infant_born_50h_ago(world.theirs)

    def photo(status, n):
        return Photo.objects.create(
            infant=with_photo,
            uploaded_by=world.personas["guardian"],
            taken_at=timezone.now() - timedelta(minutes=30),
            body_site="forehead",
            card_rect=[0.1, 0.1, 0.2, 0.2],
            idempotency_key=f"present-photo-{n}",
            status=status,
            storage_name=f"present-photo-{n}.jpg",
            estimate_mg_dl=9.0 if status == Photo.Status.USABLE else None,
            source_format="jpeg",
            width=640,
            height=480,
        )

    photo(Photo.Status.UNUSABLE, 1)
    assert facts_both_ways(with_photo) == frozenset()

    photo(Photo.Status.USABLE, 2)
    assert facts_both_ways(with_photo) == {"photos"}
    assert facts_both_ways(without) == frozenset()
    assert facts_both_ways(with_photo) == {"photos"}
