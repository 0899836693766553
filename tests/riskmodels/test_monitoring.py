"""Monitoring the served model on the programme's own outcomes (issue #17, item 5)."""

from datetime import timedelta

import numpy as np
import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django_otp.admin import OTPAdminSite

from neocare.infants.models import Assessment
from neocare.riskmodels import monitoring
from risk_model.model import feature_bins
from tests.factories import UserFactory
from tests.helpers import make_term_infant_born_50h_ago, post_reading


def test_the_stability_index_is_zero_for_the_training_distribution_and_large_for_a_shift():
    rng = np.random.default_rng(0)
    training = rng.normal(0, 1, (20_000, 1))
    bins = feature_bins(np.repeat(training, 22, axis=1))["age_hours"]

    same = monitoring.psi(bins, rng.normal(0, 1, 5000))
    shifted = monitoring.psi(bins, rng.normal(1.5, 1, 5000))
    missing = monitoring.psi(bins, np.full(5000, np.nan))

    assert same < 0.02
    assert shifted > 0.25 and missing > 0.25


@pytest.fixture
def followed(world, client_for):
    """An infant born ten days ago with readings the model scored, and their outcomes: a lab
    TSB over the threshold at 100 h makes the 40-h reading a "yes", the 20-h one a "no"."""
    infant = make_term_infant_born_50h_ago(world.ours)
    infant.birth_at -= timedelta(days=8)
    infant.save()
    doctor = client_for(world.personas["community_doctor"])
    for k, (hours, value, method) in enumerate(
        [
            (20, 6.0, "tcb_clinic"),
            (40, 9.0, "tcb_clinic"),
            (100, 22.5, "tsb_lab"),
            (200, 8.0, "tcb_clinic"),
        ]
    ):
        answer = post_reading(
            doctor, infant, value=value, key=f"monitor-{k}", age_hours=hours, method=method
        )
        assert answer.status_code == 201, answer.content
    return infant


def test_the_report_compares_predicted_with_observed_outcomes(followed, settings):
    scored = Assessment.objects.filter(infant=followed, risk_probability__isnull=False)
    assert scored.count() >= 2

    found = monitoring.report()

    assert found.model_version == scored.first().risk_model_version
    assert found.scored_readings == scored.count() and found.infants == 1
    assert found.labelled_readings == 2  # 20 h and 40 h; 200 h is not seen 72 h later
    assert found.observed == 1
    expected = sum(
        a.risk_probability for a in scored if a.basis_at < followed.birth_at + timedelta(hours=50)
    )
    assert found.expected == pytest.approx(expected)
    assert sum(d["readings"] for d in found.deciles) == 2
    assert 0 <= found.share_above_review <= found.share_above_watch <= 1
    assert {d["feature"] for d in found.drift} >= {"age_hours", "gap_to_phototherapy_mg_dl"}


def test_a_calibration_outside_its_bound_warns(followed, settings):
    settings.MODEL_MONITOR_MIN_EXPECTED = 0.0
    settings.MODEL_CALIBRATION_BOUND = 1.01
    assert any("Calibration drift" in w for w in monitoring.report().warnings)

    settings.MODEL_CALIBRATION_BOUND = 1e6
    assert not any("Calibration drift" in w for w in monitoring.report().warnings)


def test_too_few_outcomes_are_not_judged(followed, settings):
    settings.MODEL_MONITOR_MIN_EXPECTED = 1e6
    settings.MODEL_CALIBRATION_BOUND = 1.01
    assert not any("Calibration drift" in w for w in monitoring.report().warnings)


def test_a_feature_far_from_the_training_data_warns(followed, settings):
    # One infant's handful of readings is far from the simulated ones on some feature.
    settings.MODEL_MONITOR_PSI_WARNING = 0.25
    assert not any("Feature drift" in w for w in monitoring.report().warnings)  # too few
    assert any("Too few readings" in n for n in monitoring.report().notes)
    settings.MODEL_MONITOR_MIN_READINGS = 1
    assert any("Feature drift" in w for w in monitoring.report().warnings)
    settings.MODEL_MONITOR_PSI_WARNING = 1e9
    assert not any("Feature drift" in w for w in monitoring.report().warnings)


def test_the_monitoring_page_in_chinese_with_its_chart(followed, monkeypatch, world):
    monkeypatch.setattr(
        OTPAdminSite, "has_permission", lambda self, r: r.user.is_active and r.user.is_staff
    )
    viewer = UserFactory(
        role="health_admin", region=world.ours.registered_centre.district.region, is_staff=True
    )
    viewer.user_permissions.add(Permission.objects.get(codename="view_riskmodelversion"))
    stranger = UserFactory(
        role="health_admin", region=world.ours.registered_centre.district.region, is_staff=True
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(viewer)

    page = client.get("/admin/riskmodels/riskmodelversion/monitoring/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and "<circle" in text
    assert "按风险十分位" in text and "距光疗阈值" in text
    other = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    other.force_login(stranger)
    assert other.get("/admin/riskmodels/riskmodelversion/monitoring/").status_code == 403


def test_the_metrics_report_the_served_model(followed, client, settings):
    settings.METRICS_TOKEN = "t"
    from django.core.cache import cache

    cache.clear()
    body = client.get("/metrics", HTTP_AUTHORIZATION="Bearer t").content.decode()

    assert "neocare_risk_model_warnings" in body
    assert 'neocare_risk_model_share_at_or_above{line="watch"}' in body
