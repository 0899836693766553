"""Issue #13: the API answers as its OpenAPI schema says, and no input makes a 5xx.

Schemathesis reads the schema the service serves (/api/schema/) and, for every operation, as
anonymous and as each role, sends generated requests — valid ones and deliberately invalid
ones — to the Django application in this process (its WSGI handler, the whole middleware
stack). Path parameters are, about half the time, the ids of a real record in the persona's
scope (an infant with readings, an alert, a referral, a photo), so the answers cover the
records themselves and not only 404s.

Every answer must pass:
- not_a_server_error: no 5xx, whatever was sent;
- status_code_conformance: the status code is documented for the operation;
- content_type_conformance, response_headers_conformance: as documented;
- response_schema_conformance: the body matches the documented schema for that code;
- negative_data_rejection: a request the schema forbids is refused with a 4xx — except a
  sync batch's records: by design each is validated on its own and a bad one answers
  "invalid" in a 200 beside the others (tests/infants/test_api_sync.py), so that one malformed
  record does not hold back a parent's whole offline backlog.

It runs in CI's PostgreSQL pass (PostgreSQL refuses values SQLite stores, e.g. UTC offsets
beyond ±15:59); examples per operation are bounded by SCHEMATHESIS_MAX_EXAMPLES.
"""

import os
import uuid

import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from knox.models import AuthToken
from schemathesis import checks

pytestmark = pytest.mark.postgresql

ROLES = ["anonymous", "guardian", "community_doctor", "district_doctor", "paediatrician"]
ROLES += ["health_admin"]
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())

# The record of the test that is running: path parameter → a real id in the persona's scope.
KNOWN_IDS: dict[str, dict[str, str]] = {}


def _known(path: str) -> dict[str, str]:
    for prefix, ids in KNOWN_IDS.items():
        if path.startswith(prefix):
            return ids
    return {}


def _is_uuid(value) -> bool:
    try:
        return isinstance(value, str) and bool(uuid.UUID(value))
    except ValueError:
        return False


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    # Read when drawn: the running test's fixture has filled KNOWN_IDS by then. Only a valid
    # generated id is swapped for a real one, so a deliberately invalid one stays invalid.
    known = _known(context.operation.path)
    real = {
        name: known.get(name, value) if _is_uuid(value) else value
        for name, value in (path_parameters or {}).items()
    }
    return st.sampled_from([path_parameters, real])


@pytest.fixture
def in_test_transaction(db):
    """Keep the test's database connection open across requests, as Django's test client does:
    the WSGI handler would otherwise close it at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def known_ids(record, world):
    infant, alert, referral, photo = record
    KNOWN_IDS.update(
        {
            "/api/v1/infants/": {"id": str(infant.public_id), "photo_id": str(photo.public_id)},
            "/api/v1/alerts/": {"id": str(alert.public_id)},
            "/api/v1/referrals/": {"id": str(referral.public_id)},
            "/api/v1/facilities/": {"id": str(world.centre_a1.public_id)},
        }
    )
    yield
    KNOWN_IDS.clear()


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure reproduces
    phases=[Phase.explicit, Phase.generate],
    # One world per operation and role; the examples share it, as requests share a database.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_is_documented_and_none_is_a_server_error(
    case, role, world, known_ids, in_test_transaction
):
    headers = {"Accept-Language": "en"}
    if role != "anonymous":
        _, token = AuthToken.objects.create(world.personas[role])
        headers["Authorization"] = f"Token {token}"
    elif case.path.startswith("/api/v1/sms/"):
        # The SMS provider: anonymous, with the shared secret (other roles send a generated one).
        headers["X-NeoCare-Webhook-Secret"] = settings.SMS_WEBHOOK_SECRET
    chosen = CHECKS
    if case.path == "/api/v1/sync/":
        chosen = [check for check in CHECKS if check is not checks.negative_data_rejection]
    case.call_and_validate(headers=headers, checks=chosen)
