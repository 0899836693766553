"""Time the infant record page against an already loaded bench database (bench/console_pages.py
runs this twice, with this checkout's code and with a baseline commit's, on the same data).

    python bench/record_page_probe.py RUNS     # prints one JSON object: samples in ms, queries

Run with PYTHONPATH pointing at the checkout to measure; only stable names are used (the
console:infant URL, the User model, django-otp's session key), so older code runs it too.
"""

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neocare.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from neocare.alerts.models import Alert  # noqa: E402
from neocare.network.models import User  # noqa: E402


def main(runs: int) -> None:
    doctor = User.objects.filter(role="community_doctor").order_by("id").first()
    alert = Alert.objects.filter(centre=doctor.facility).order_by("id").first()
    url = reverse("console:infant", args=[alert.infant.public_id])
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(doctor)
    client.get(url)  # warm
    samples = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    print(json.dumps({"samples_ms": samples, "queries": len(queries)}))


if __name__ == "__main__":
    main(int(sys.argv[1]))
