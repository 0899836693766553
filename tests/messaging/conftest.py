"""The fake HTTP gateway the messaging tests send to (its single and batch APIs)."""

import pytest

from tests.fake_sms_gateway import FakeGateway


@pytest.fixture
def gateway(settings):
    with FakeGateway() as fake:
        settings.SMS_GATEWAY = "http"
        settings.SMS_GATEWAY_URL = fake.url
        settings.SMS_GATEWAY_BATCH_URL = fake.batch_url
        settings.SMS_GATEWAY_TIMEOUT_SECONDS = 0.3
        settings.SMS_QUIET_HOURS = (0, 0)  # no quiet hours unless a test sets them
        yield fake
