"""The regional dashboard publishes no names and no small counts, its totals agree across
tables and CSV; and no console page makes a query per row."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from neocare.alerts.models import Alert, Referral
from neocare.alerts.services import referral_create, referral_update
from neocare.console import rollups, stats
from neocare.console.stats import SUPPRESSED
from tests.factories import InfantFactory, UserFactory
from tests.helpers import browser_for, make_term_infant_born_50h_ago, post_reading


def dangerous_infants(world, client_for, centre, count: int, prefix: str) -> list:
    doctor = UserFactory(role="community_doctor", facility=centre)
    infants = []
    for k in range(count):
        infant = make_term_infant_born_50h_ago(
            InfantFactory(registered_centre=centre, display_name=f"{prefix} {k}")
        )
        response = post_reading(client_for(doctor), infant, value="17.0", key=f"{prefix}-key-{k}")
        assert response.status_code == 201
        infants.append(infant)
    return infants


def test_small_counts_are_suppressed_and_totals_agree(world, client_for):
    dangerous_infants(world, client_for, world.centre_a1, 6, "Alpha")
    dangerous_infants(world, client_for, world.centre_b1, 2, "Bravo")
    rollups.refresh()  # as the beat task does every minute
    admin = browser_for(world.personas["health_admin"])

    page = admin.get(reverse("console:region"))
    tables = page.context["tables"]
    activity = {row[0]: row for row in tables["activity"].rows}
    # district, enrolled, readings, measured, at/above threshold, share
    assert activity["B"][2] == SUPPRESSED  # 2 readings
    assert activity["A"][2] == "—"  # 6, withheld: with B's "<5" the total would reveal B
    assert tables["activity"].total[2] == 8
    assert tables["readings_per_day"].total[1] == 8  # the same readings, the same total
    assert tables["alerts"].total[2] == 8  # 8 urgent referral alerts, region-wide
    html = page.content.decode()
    assert "Alpha" not in html and "Bravo" not in html

    exported = admin.get(reverse("console:region-csv", args=["activity"]))
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows == [[str(c) for c in row] for row in tables["activity"].csv_rows()]
    assert "Alpha" not in exported.content.decode()

    # Another region's administrator sees none of it.
    other = browser_for(world.strangers["health_admin"]).get(reverse("console:region"))
    assert other.context["tables"]["activity"].total[2] == 0


def test_referral_outcomes_are_counted_by_district(world, client_for):
    infants = dangerous_infants(world, client_for, world.centre_a1, 5, "Treated")
    doctor = UserFactory(role="community_doctor", facility=world.centre_a1)
    paediatrician = world.personas["paediatrician"]
    for infant in infants:
        referral = referral_create(infant=infant, by=doctor, hospital=world.hospital_a)
        referral_update(
            referral=referral,
            by=paediatrician,
            status="treated",
            treatment="phototherapy",
            phototherapy_started_at=timezone.now() - timedelta(hours=1),
        )

    rollups.refresh()
    tables = (
        browser_for(world.personas["health_admin"]).get(reverse("console:region")).context["tables"]
    )
    a = next(row for row in tables["referrals"].rows if row[0] == "A")
    assert a[1:3] == [5, 5]  # referrals, phototherapy
    assert tables["referrals"].total[2] == 5
    assert Referral.objects.filter(treatment="phototherapy").count() == 5


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        ("community_doctor", "console:triage"),
        ("district_doctor", "console:triage"),
        ("district_doctor", "console:district"),
        ("paediatrician", "console:referrals"),
        ("health_admin", "console:region"),
    ],
)
def test_list_pages_make_no_query_per_row(world, client_for, role, url_name):
    def grow(prefix):
        infants = dangerous_infants(world, client_for, world.centre_a1, 3, prefix)
        doctor = UserFactory(role="community_doctor", facility=world.centre_a1)
        for infant in infants:
            referral_create(infant=infant, by=doctor, hospital=world.hospital_a)

    client = browser_for(world.personas[role])
    grow("first")
    rollups.refresh()
    few = queries(client, reverse(url_name))
    for k in range(9):
        grow(f"more{k}")
    rollups.refresh()
    many = queries(client, reverse(url_name))

    assert many == few, f"{url_name}: {few} queries with 3 rows, {many} with 30"
    assert Alert.objects.count() == 30


def test_the_record_makes_no_query_per_event(world, client_for):
    infant = make_term_infant_born_50h_ago(world.ours)
    parent = client_for(world.personas["guardian"])
    client = browser_for(world.personas["community_doctor"])
    url = reverse("console:infant", args=[infant.public_id])

    def reading(k):  # 3.0 mg/dL at 3 h rising to 8.8 at 49.4 h: 30 readings, all plausible
        post_reading(
            parent, infant, value=f"{3 + 0.2 * k:.1f}", key=f"record-key-{k}", age_hours=3 + 1.6 * k
        )

    for k in range(3):
        reading(k)
    few = queries(client, url)
    for k in range(3, 30):
        reading(k)
    assert infant.readings.count() == 30
    many = queries(client, url)

    assert many == few, f"the record: {few} queries with 3 readings, {many} with 30"


def test_dashboard_charts_are_drawn_once_per_set_of_numbers_and_language(
    world, client_for, monkeypatch
):
    from django.utils import translation

    from neocare.console import chart

    dangerous_infants(world, client_for, world.centre_a1, 6, "Chart")
    rollups.refresh()
    region = world.centre_a1.district.region
    end = timezone.now() + timedelta(days=1)
    tables = stats.regional_dashboard(region, end - timedelta(days=30), end)
    drawn, draw = [], chart._draw
    monkeypatch.setattr(chart, "_draw", lambda tables: drawn.append(1) or draw(tables))

    with translation.override("zh-hans"):
        first = chart.dashboard_charts(tables)
        again = chart.dashboard_charts(tables)
    with translation.override("en"):
        english = chart.dashboard_charts(tables)
    tables["readings_per_day"].rows.append([timezone.localdate() + timedelta(days=1), 9])
    with translation.override("zh-hans"):
        changed = chart.dashboard_charts(tables)

    assert len(drawn) == 3  # Chinese, English, and the changed numbers: never a stale chart
    assert first == again and first != english
    assert changed["readings_per_day"] != first["readings_per_day"]
