"""The model registry with clinical sign-off (issue #17, item 4): register, promote only with
the permission and a written reason, every promotion and rollback audited, serving follows."""

import shutil

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django_otp.admin import OTPAdminSite

from neocare.audit.models import AuditEvent
from neocare.infants import risk as served
from neocare.infants.models import Assessment
from neocare.riskmodels import services
from neocare.riskmodels.models import Promotion, RiskModelVersion
from risk_model import model as risk
from tests.factories import UserFactory
from tests.helpers import make_term_infant_born_50h_ago, post_reading

REASON = "Compared on real outcomes from 2026-11: fewer infants flagged at the same sensitivity."


@pytest.fixture(scope="module")
def second_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("second") / "second.skops"
    risk.save(risk.train(n_infants=1500, seed=202), path)
    return path


@pytest.fixture
def registry(settings, tmp_path, trained_risk_model, db):
    """A serving file of its own (promotion replaces it) and an empty registry."""
    settings.RISK_MODEL_PATH = tmp_path / "serving.skops"
    shutil.copyfile(trained_risk_model, settings.RISK_MODEL_PATH)
    settings.RISK_MODEL_REGISTRY_DIR = tmp_path / "registry"
    return settings


@pytest.fixture
def clinician(world):
    user = UserFactory(role="paediatrician", facility=world.hospital_a)
    user.user_permissions.add(Permission.objects.get(codename="promote_riskmodelversion"))
    return type(user).objects.get(pk=user.pk)  # permissions are cached per instance


def test_the_file_serving_when_the_registry_begins_is_registered_as_serving(registry):
    entry = services.bootstrap()

    assert entry.status == RiskModelVersion.Status.SERVING
    assert entry.version == risk.load(registry.RISK_MODEL_PATH).version
    assert Promotion.objects.get().action == Promotion.Action.BOOTSTRAP
    assert services.bootstrap() == entry  # once only
    assert RiskModelVersion.objects.count() == 1


def test_promotion_needs_the_permission_and_a_reason(registry, second_model, world):
    services.bootstrap()
    challenger = services.register(second_model)
    nobody = UserFactory(role="paediatrician", facility=world.hospital_a)

    with pytest.raises(PermissionDenied):
        services.promote(challenger, by=nobody, reason=REASON)
    clinician = UserFactory(role="paediatrician", facility=world.hospital_a)
    clinician.user_permissions.add(Permission.objects.get(codename="promote_riskmodelversion"))
    clinician = type(clinician).objects.get(pk=clinician.pk)
    with pytest.raises(ValidationError) as short:
        services.promote(challenger, by=clinician, reason="ok")
    assert "reason" in short.value.message_dict

    challenger.refresh_from_db()
    assert challenger.status == RiskModelVersion.Status.REGISTERED
    assert not AuditEvent.objects.filter(object_type="risk_model").exists()


def test_a_promoted_model_serves_the_next_assessment_and_a_rollback_brings_the_old_one_back(
    registry, second_model, clinician, world, client_for
):
    first = services.bootstrap()
    challenger = services.register(second_model)

    services.promote(challenger, by=clinician, reason=REASON)

    assert risk.load(registry.RISK_MODEL_PATH).version == challenger.version
    assert served.current_model()[0].version == challenger.version  # reloaded on change
    infant = make_term_infant_born_50h_ago(world.ours)
    doctor = client_for(world.personas["community_doctor"])
    assert post_reading(doctor, infant, value=12.0, key="after-promotion").status_code == 201
    assert Assessment.objects.get(infant=infant).risk_model_version == challenger.version
    first.refresh_from_db()
    assert first.status == RiskModelVersion.Status.RETIRED
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROMOTE_MODEL)
    assert (event.actor, event.object_id, event.reason) == (clinician, challenger.version, REASON)

    services.rollback(by=clinician, reason="Rolled back: the new model flags too many infants.")

    assert risk.load(registry.RISK_MODEL_PATH).version == first.version
    assert services.serving() == first
    assert Promotion.objects.first().action == Promotion.Action.ROLLBACK
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ROLLBACK_MODEL).count() == 1


def test_a_changed_registered_file_is_never_promoted(registry, second_model, clinician):
    services.bootstrap()
    challenger = services.register(second_model)
    kept = services.registry_dir() / challenger.file_name
    kept.write_bytes(kept.read_bytes()[:-10])

    with pytest.raises(ValidationError):
        services.promote(challenger, by=clinician, reason=REASON)
    assert services.serving().version != challenger.version


def test_only_one_model_serves_at_a_time(registry, second_model, clinician):
    services.bootstrap()
    services.promote(services.register(second_model), by=clinician, reason=REASON)

    assert RiskModelVersion.objects.filter(status="serving").count() == 1


@pytest.fixture
def admin_as(monkeypatch):
    monkeypatch.setattr(
        OTPAdminSite, "has_permission", lambda self, r: r.user.is_active and r.user.is_staff
    )

    def make(user):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user)
        return client

    return make


def test_the_admin_signs_off_with_a_reason_and_refuses_those_without_the_permission(
    registry, second_model, admin_as, world
):
    services.bootstrap()
    challenger = services.register(second_model)
    viewer = UserFactory(role="paediatrician", facility=world.hospital_a, is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_riskmodelversion"))
    signer = UserFactory(role="paediatrician", facility=world.hospital_a, is_staff=True)
    signer.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_riskmodelversion", "promote_riskmodelversion"]
        )
    )
    url = f"/admin/riskmodels/riskmodelversion/{challenger.pk}/promote/"

    listing = admin_as(viewer).get("/admin/riskmodels/riskmodelversion/")
    assert listing.status_code == 200 and challenger.version in listing.content.decode()
    assert admin_as(viewer).post(url, {"reason": REASON}).status_code == 403

    refused = admin_as(signer).post(url, {"reason": "ok"})
    assert refused.status_code == 200 and "20" in refused.content.decode()
    assert services.serving().version != challenger.version

    done = admin_as(signer).post(url, {"reason": REASON})
    assert done.status_code == 302
    assert services.serving().version == challenger.version
    page = admin_as(signer).get(f"/admin/riskmodels/riskmodelversion/{challenger.pk}/change/")
    assert REASON in page.content.decode()
