"""Train the skin-photo estimator on SYNTHETIC photos and save it where the service loads it.

python manage.py train_photo_estimator [--photos N] [--seed S] [--out FILE] [--if-missing]
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from risk_model.photo import EstimatorFileError, load_estimator, save_estimator, train_estimator


class Command(BaseCommand):
    help = "Train the photo estimator (SYNTHETIC photos) and save it to PHOTO_ESTIMATOR_PATH."

    def add_arguments(self, parser):
        parser.add_argument("--photos", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--out", type=Path, default=Path(settings.PHOTO_ESTIMATOR_PATH))
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="do nothing when a readable estimator file is already there",
        )

    def handle(self, *args, **options):
        if options["if_missing"]:
            try:
                existing = load_estimator(options["out"])
            except EstimatorFileError as exc:
                self.stdout.write(f"training a photo estimator: {exc}")
            else:
                self.stdout.write(f"photo estimator {existing.version} is in place")
                return
        estimator = train_estimator(options["photos"], options["seed"])
        save_estimator(estimator, options["out"])
        m = estimator.metrics
        self.stdout.write(
            f"photo estimator {estimator.version} written to {options['out']}: held-out "
            f"r {m['r']}, MAE {m['mae_mg_dl']} mg/dL, band ±{estimator.band_mg_dl} mg/dL "
            f"({m['band_coverage']:.0%}) on {m['held_out']} SYNTHETIC photos"
        )
