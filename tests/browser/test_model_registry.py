"""The model registry as a clinician signs a model off, in Chinese, in a real browser
(issue #17): the list, a model's page with its metrics, the sign-off with a reason, and the
monitoring page with its chart."""

import shutil
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission

from neocare.riskmodels import services
from neocare.riskmodels.models import RiskModelVersion
from risk_model import model as risk
from tests.browser.conftest import signed_in
from tests.factories import UserFactory
from tests.helpers import make_term_infant_born_50h_ago, post_reading

REASON = "已在 2026-11 以后的真实结局上比较：相同灵敏度下标记的婴儿更少，校准良好。"


@pytest.fixture
def registry(settings, tmp_path, trained_risk_model):
    settings.RISK_MODEL_PATH = tmp_path / "serving.skops"
    shutil.copyfile(trained_risk_model, settings.RISK_MODEL_PATH)
    settings.RISK_MODEL_REGISTRY_DIR = tmp_path / "registry"
    second = tmp_path / "second.skops"
    risk.save(risk.train(n_infants=1500, seed=303), second)
    return second


@pytest.mark.django_db(transaction=True)
def test_a_paediatrician_signs_off_a_model_in_chinese(
    world, live_server, browser, shots, registry, client_for
):
    services.bootstrap()
    challenger = services.register(registry)
    signer = UserFactory(role="paediatrician", facility=world.hospital_a, is_staff=True)
    signer.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_riskmodelversion", "promote_riskmodelversion"]
        )
    )
    page = signed_in(browser, live_server, signer, language="zh-hans")

    page.goto(f"{live_server.url}/admin/riskmodels/riskmodelversion/")
    assert "风险模型版本" in page.content() and "使用中" in page.content()
    page.screenshot(path=shots / "admin-model-registry-zh.png", full_page=True)

    page.goto(f"{live_server.url}/admin/riskmodels/riskmodelversion/{challenger.pk}/change/")
    assert "验证集" in page.content()
    page.get_by_role("link", name="签署并启用").click()
    page.get_by_label("签署理由").fill("好")
    page.get_by_role("button", name="签署").click()
    assert "至少 20 个字" in page.content()
    page.get_by_label("签署理由").fill(REASON)
    page.screenshot(path=shots / "admin-model-sign-off-zh.png", full_page=True)
    page.get_by_role("button", name="签署").click()
    page.wait_for_load_state()
    assert challenger.version in page.content()
    assert RiskModelVersion.objects.get(pk=challenger.pk).status == "serving"

    # Readings scored by the model now serving, two with a known outcome.
    infant = make_term_infant_born_50h_ago(world.ours)
    infant.birth_at -= timedelta(days=8)
    infant.save()
    doctor = client_for(world.personas["community_doctor"])
    for k, (hours, value) in enumerate([(20, 6.0), (40, 9.0), (160, 8.0)]):
        assert (
            post_reading(
                doctor,
                infant,
                value=value,
                key=f"browser-{k}",
                age_hours=hours,
                method="tcb_clinic",
            ).status_code
            == 201
        )
    page.get_by_role("link", name="在用模型的运行情况").click()
    page.wait_for_load_state()
    assert page.locator("svg circle").count() == 2
    assert "按风险十分位比较实际与预测" in page.content()
    page.screenshot(path=shots / "admin-model-monitoring-zh.png", full_page=True)
