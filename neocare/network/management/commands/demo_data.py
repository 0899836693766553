"""Build the demo city: 11 districts, their centres, 3 hospitals, one account per role and about
50 infants with reading histories. Deterministic for a seed; times are relative to `--now`
(default: the moment it runs) so the demo infants are always in their first days of life. The
histories are loaded as the past: nothing is sent when the demo loads.

Skips everything when the demo region exists already, so the run command can call it each time.
"""

import math
import random
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from neocare.console import rollups
from neocare.infants import services
from neocare.infants.models import Channel, Infant, Reading
from neocare.network.models import Catchment, District, Facility, Region, User

DEMO_PASSWORD = "neocare-demo"
REGION = "广州市"
# Guangzhou's 11 districts with approximate centre coordinates (WGS84).
DISTRICTS = [
    ("越秀区", 23.129, 113.267),
    ("荔湾区", 23.126, 113.244),
    ("海珠区", 23.084, 113.317),
    ("天河区", 23.125, 113.361),
    ("白云区", 23.158, 113.273),
    ("黄埔区", 23.181, 113.481),
    ("番禺区", 22.938, 113.384),
    ("花都区", 23.404, 113.220),
    ("南沙区", 22.801, 113.525),
    ("从化区", 23.548, 113.587),
    ("增城区", 23.261, 113.811),
]
HOSPITALS = [  # (name, district index, lat, lon)
    ("广州市妇女儿童医疗中心", 3, 23.130, 113.325),
    ("中山大学附属第一医院", 0, 23.130, 113.290),
    ("番禺区中心医院", 6, 22.945, 113.360),
]
CENTRES_PER_DISTRICT = 3
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"


class Command(BaseCommand):
    help = "Load the deterministic demo city (skipped when it is already there)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument("--infants", type=int, default=50)
        parser.add_argument(
            "--now",
            type=datetime.fromisoformat,
            default=None,
            help="ISO time with offset to build the demo around (default: now)",
        )

    def handle(self, *args, seed, infants, now, **options):
        if Region.objects.filter(name=REGION).exists():
            self.stdout.write("Demo data already loaded; nothing to do.")
            return
        now = now or timezone.now()
        rng = random.Random(seed)
        with transaction.atomic():
            accounts = self._network_and_accounts(rng)
            counts = self._infants(rng, now, infants, accounts)
            published = self._articles(accounts["paediatrician"])
        rollups.refresh()  # the regional dashboard shows the demo city at once
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo city loaded: {len(DISTRICTS)} districts, "
                f"{Facility.objects.count()} facilities, {counts['infants']} infants, "
                f"{counts['readings']} readings. Demo password for every account: {DEMO_PASSWORD}"
            )
        )
        self.stdout.write(
            f"Demo only: {published} starter articles for parents are marked reviewed by the "
            "demo paediatrician and published, so that /m/ and timed education have something "
            "to show. In production each is a draft until a real clinician reviews it."
        )

    def _articles(self, paediatrician) -> int:
        from neocare.knowledge import services as knowledge
        from neocare.knowledge.models import Article

        drafts = Article.objects.filter(status=Article.Status.DRAFT)
        for article in drafts:
            knowledge.article_review(article=article, by=paediatrician)
            knowledge.article_publish(article=article)
        return Article.objects.filter(status=Article.Status.PUBLISHED).count()

    def _network_and_accounts(self, rng):
        region = Region.objects.create(name=REGION)
        centres, district_centres = [], []
        for index, (name, lat, lon) in enumerate(DISTRICTS):
            district = District.objects.create(region=region, name=name)
            district_centres.append(
                Facility.objects.create(
                    district=district,
                    tier=Facility.Tier.DISTRICT_CENTRE,
                    name=f"{name}妇幼保健院",
                    address=f"广州市{name}妇幼路{index + 1}号",
                    latitude=Decimal(f"{lat:.6f}"),
                    longitude=Decimal(f"{lon:.6f}"),
                )
            )
            for number in range(1, CENTRES_PER_DISTRICT + 1):
                centre = Facility.objects.create(
                    district=district,
                    tier=Facility.Tier.COMMUNITY_CENTRE,
                    name=f"{name}第{number}社区卫生服务中心",
                    address=f"广州市{name}健康街{number * 10 + index}号",
                    latitude=Decimal(f"{lat + rng.uniform(-0.03, 0.03):.6f}"),
                    longitude=Decimal(f"{lon + rng.uniform(-0.03, 0.03):.6f}"),
                )
                centres.append(centre)
                # The street it serves, so a birth handed over by address finds it.
                Catchment.objects.create(district=district, street=f"第{number}街道", centre=centre)
        districts = list(District.objects.order_by("id"))
        hospitals = [
            Facility.objects.create(
                district=districts[d],
                tier=Facility.Tier.TERTIARY_HOSPITAL,
                name=name,
                address=f"广州市{districts[d].name}医院路{i + 1}号",
                latitude=Decimal(f"{lat:.6f}"),
                longitude=Decimal(f"{lon:.6f}"),
            )
            for i, (name, d, lat, lon) in enumerate(HOSPITALS)
        ]

        def account(username, **fields):
            user = User(username=username, **fields)
            user.set_password(DEMO_PASSWORD)
            user.save()
            return user

        User.objects.filter(username="admin").exists() or account(
            "admin", is_staff=True, is_superuser=True, role=""
        )
        return {
            "centres": centres,
            "hospitals": hospitals,
            "community_doctor": account(
                "doctor.community",
                first_name="陈医生",
                role=User.Role.COMMUNITY_DOCTOR,
                # Staff numbers, so the worker log shows a doctor's alert SMS (README).
                phone_number="+8613800000101",
                facility=centres[0],
            ),
            "district_doctor": account(
                "doctor.district",
                first_name="林医生",
                role=User.Role.DISTRICT_DOCTOR,
                phone_number="+8613800000102",
                facility=district_centres[0],
            ),
            "paediatrician": account(
                "paediatrician",
                first_name="黄医生",
                role=User.Role.PAEDIATRICIAN,
                phone_number="+8613800000103",
                facility=hospitals[0],
            ),
            "health_admin": account(
                "admin.health",
                first_name="周主任",
                role=User.Role.HEALTH_ADMIN,
                region=region,
                phone_number="+8613800000104",
            ),
            "guardian": account(
                "parent",
                first_name="李女士",
                role=User.Role.GUARDIAN,
                phone_number="+8613800000001",
            ),
        }

    def _infants(self, rng, now, count, accounts):
        readings = 0
        for index in range(count):
            # The first ten infants belong to the demo community doctor's centre (and the first
            # to the demo parent) so every demo account has something to look at.
            centre = accounts["centres"][0] if index < 10 else rng.choice(accounts["centres"])
            hospital = accounts["hospitals"][index % len(accounts["hospitals"])]
            age_hours = rng.uniform(30, 200)
            birth_at = (now - timedelta(hours=age_hours)).replace(microsecond=0)
            ga_weeks = rng.choices([35, 36, 37, 38, 39, 40, 41], [3, 5, 12, 25, 30, 20, 5])[0]
            infant = services.infant_register(
                by=accounts["paediatrician"],
                display_name=f"{SURNAMES[index % len(SURNAMES)]}宝宝{index + 1}",
                sex=rng.choice([Infant.Sex.FEMALE, Infant.Sex.MALE]),
                birth_at=birth_at,
                gestational_age_weeks=ga_weeks,
                gestational_age_days=rng.randint(0, 6),
                birth_weight_g=rng.randint(2500, 4200),
                delivering_hospital=hospital,
                registered_centre=centre,
                discharged_at=min(birth_at + timedelta(hours=rng.uniform(24, 60)), now),
                feeding=rng.choice(list(Infant.Feeding)),
                neurotoxicity_risk_factors=(["g6pd_deficiency"] if rng.random() < 0.05 else []),
                hyperbilirubinemia_risk_factors=(
                    ["family_phototherapy"] if rng.random() < 0.1 else []
                ),
            )
            guardian = accounts["guardian"] if index == 0 else None
            phone = f"+86139{index:08d}"
            services.guardian_link(
                infant=infant,
                by=accounts["paediatrician"],
                phone_number=guardian.phone_number if guardian else phone,
                display_name=guardian.first_name if guardian else "家长",
                relationship="mother",
                consent_given_at=birth_at + timedelta(hours=20),
                announce=False,  # history: the parents joined days ago, nobody is texted now
            )
            parent = User.objects.get(phone_number=guardian.phone_number if guardian else phone)
            # Rise-peak-fall curve; one infant in six rises into danger (higher, earlier peak).
            rising = index % 6 == 0
            peak_mg_dl = rng.uniform(17, 23) if rising else rng.uniform(6, 13)
            peak_hours = rng.uniform(70, 110)
            hours = 26 + rng.uniform(0, 6)
            while hours < age_hours:
                x = hours / peak_hours
                mg_dl = peak_mg_dl * x * math.exp(1 - x) * rng.uniform(0.93, 1.07)
                services.reading_record(
                    infant=infant,
                    method=Reading.Method.TCB_HOME,
                    value=Decimal(round(mg_dl * 17.1)),
                    unit="umol/L",
                    measured_at=birth_at + timedelta(hours=hours),
                    entered_by=parent,
                    channel=Channel.APP,
                    idempotency_key=uuid.UUID(int=rng.getrandbits(128)).hex,
                    device_id="demo-meter",
                    # History being loaded: alerts open on what it says, nobody is texted
                    # about readings of the past, no reminder falls due in the past.
                    announce=False,
                )
                readings += 1
                hours += rng.uniform(10, 30)
        return {"infants": count, "readings": readings}
