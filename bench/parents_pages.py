"""The parents' side (issue #15), one run:

1. Page weights of every /m/ page, as a signed-in parent with a week of readings, a question
   and its answer: bytes of the HTML (the pages load nothing else: no stylesheet, script, font
   or image file) and gzip-compressed, against the issue's "under ~100 kB".
2. "Request code" → the code at the gateway: POST /api/v1/auth/code/ (in-process DRF client)
   until the fake HTTP gateway on 127.0.0.1 stamps the code's arrival, sent by a real Celery
   worker on Redis. Median and p99 of BENCH_CODES requests (different numbers, as different
   parents; the per-number and per-address limits raised for the run).

    .venv/bin/python bench/parents_pages.py        # BENCH_CODES=100

Uses its own database (neocare_bench_parents) and Redis database 13, both emptied first.
"""

import gzip
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "neocare_bench_parents"
BROKER = "redis://127.0.0.1:6379/13"
CODES = int(os.environ.get("BENCH_CODES", "100"))
WARM_UP = 3

os.environ.update(
    DJANGO_SETTINGS_MODULE="neocare.settings",
    DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench-only"),
    DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB}",
    CELERY_BROKER_URL=BROKER,
    SMS_GATEWAY="http",
    SMS_QUIET_START_HOUR="0",
    SMS_QUIET_END_HOUR="0",
    LOG_LEVEL="WARNING",
    # Many parents from one address (this process): the per-address limits raised for the run.
    THROTTLE_SIGN_IN_CODE_RATE="100000/hour",
    THROTTLE_ANON_RATE="100000/minute",
    SIGN_IN_CODES_PER_ADDRESS_PER_HOUR="100000",
)

from bench.stack import fresh_database, start_workers  # noqa: E402
from tests.fake_sms_gateway import FakeGateway  # noqa: E402


def world():
    """A centre, a doctor, a paediatrician, a parent with a baby of five days and a week of
    readings, a published article, a question and its answer."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from neocare.infants.models import Channel, Guardianship, Infant, Reading
    from neocare.infants.services import reading_record
    from neocare.knowledge import services as knowledge
    from neocare.knowledge.models import Article
    from neocare.network.models import District, Facility, Region, User
    from neocare.questions.services import question_answer, question_ask

    region = Region.objects.create(name="Bench")
    district = District.objects.create(region=region, name="Bench")
    centre = Facility.objects.create(
        district=district,
        tier="community_centre",
        name="社区卫生服务中心",
        address="健康街1号",
        latitude=23.1,
        longitude=113.3,
    )
    Facility.objects.create(
        district=district,
        tier="tertiary_hospital",
        name="医院",
        address="医院路2号",
        latitude=23.2,
        longitude=113.3,
    )
    doctor = User.objects.create(username="doctor", role="community_doctor", facility=centre)
    paediatrician = User.objects.create(username="paed", role="paediatrician", facility=centre)
    parent = User.objects.create(
        username="parent", role="guardian", phone_number="+8613700000001", language="zh-hans"
    )
    now = timezone.now()
    infant = Infant.objects.create(
        display_name="林宝宝",
        sex="female",
        birth_at=now - timedelta(days=5),
        gestational_age_weeks=39,
        gestational_age_days=0,
        birth_weight_g=3300,
        registered_centre=centre,
        feeding="exclusive_breastfeeding",
        neurotoxicity_risk_factors=[],
        created_by=doctor,
    )
    Guardianship.objects.create(
        infant=infant, guardian=parent, relationship="mother", consent_given_at=now
    )
    for k, value in enumerate((120, 160, 190, 205, 210, 200, 185)):
        reading_record(
            infant=infant,
            method=Reading.Method.TCB_HOME,
            value=Decimal(value),
            unit="umol/L",
            measured_at=infant.birth_at + timedelta(hours=24 + 14 * k),
            entered_by=parent,
            channel=Channel.APP,
            idempotency_key=f"bench-reading-{k}",
            announce=False,
        )
    question = question_ask(
        infant=infant,
        asked_by=parent,
        text="宝宝吃奶后有点吐奶，正常吗？",
        idempotency_key="bench-q-1",
    ).record
    question_answer(question=question, by=doctor, answer="少量吐奶很常见，注意拍嗝。")
    import importlib

    from django.apps import apps

    importlib.import_module(
        "neocare.knowledge.migrations.0003_tags_and_starter_articles"
    ).load_starter_set(apps, None)
    article = Article.objects.get(slug="stool-colour-card")
    knowledge.article_review(article=article, by=paediatrician)
    knowledge.article_publish(article=article)
    return parent, infant, article


def page_weights(parent, infant, article):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    anonymous = {"sign-in": "/m/sign-in/", "articles (signed out)": "/m/articles/"}
    client.force_login(parent)
    i = infant.public_id
    pages = {
        "home (chart of 7 readings)": "/m/",
        "log a reading": f"/m/infants/{i}/reading/",
        "what you see": f"/m/infants/{i}/observation/",
        "skin photo": f"/m/infants/{i}/photo/",
        "questions (1 answered)": f"/m/infants/{i}/questions/",
        "articles": "/m/articles/",
        "article (stool card)": f"/m/articles/{article.public_id}/",
        "search 大便": "/m/articles/?q=大便",
        "consent": "/m/consent/",
        "withdraw consent": f"/m/consent/{i}/withdraw/",
    }
    rows = []
    for name, path in [*anonymous.items(), *pages.items()]:
        who = Client(HTTP_ACCEPT_LANGUAGE="zh-hans") if name in anonymous else client
        response = who.get(path, follow=True)
        assert response.status_code == 200, (path, response.status_code)
        body = response.content
        # Anything the page would fetch: stylesheets, scripts, images, fonts.
        fetched = re.findall(rb"<(?:link|script|img|iframe)\b[^>]*(?:src|href)=", body)
        rows.append((name, len(body), len(gzip.compress(body)), len(fetched)))
    print("\n1. /m/ pages (HTML bytes; nothing else is fetched)")
    print(f"{'page':32} {'bytes':>8} {'gzip':>8} {'other files':>12}")
    for name, size, packed, fetched in rows:
        print(f"{name:32} {size:8,} {packed:8,} {fetched:12}")
    print(f"largest: {max(r[1] for r in rows):,} bytes (target < ~100 kB)")


def code_to_gateway(gateway):
    from rest_framework.test import APIClient

    from neocare.infants.models import Guardianship
    from neocare.network.models import User

    infant = Guardianship.objects.first().infant
    phones = [f"+86137{k + 100:08d}" for k in range(CODES + WARM_UP)]
    for k, phone in enumerate(phones):
        parent = User.objects.create(username=f"bench-p{k}", role="guardian", phone_number=phone)
        Guardianship.objects.create(
            infant=infant, guardian=parent, relationship="father", consent_given_at=infant.birth_at
        )
    client = APIClient()
    latencies = []
    for k, phone in enumerate(phones):
        sent_at = time.time()
        answer = client.post("/api/v1/auth/code/", {"phone": phone}, format="json")
        assert answer.status_code == 202, answer.content
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with gateway.lock:
                arrived = [
                    gateway.arrivals[r["idempotency_key"]]
                    for r in gateway.requests
                    if r.get("to") == phone
                ]
            if arrived:
                break
            time.sleep(0.005)
        else:
            raise SystemExit(f"no code reached the gateway for {phone} within 30 s")
        if k >= WARM_UP:
            latencies.append(arrived[0] - sent_at)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    print(f"\n2. request code → code at the gateway, real worker on Redis ({len(latencies)} codes)")
    print(
        f"median {statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms"
    )


def main():
    fresh_database(DB, photo_estimator=True)
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    import django

    django.setup()
    parent, infant, article = world()
    page_weights(parent, infant, article)
    with FakeGateway() as gateway:
        (worker,) = start_workers(gateway.url, name="bench-parents")
        try:
            time.sleep(4)  # the worker connects
            code_to_gateway(gateway)
        finally:
            worker.terminate()
            worker.wait(timeout=20)


if __name__ == "__main__":
    main()
