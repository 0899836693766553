"""Train the risk model on a SYNTHETIC cohort and save it where the service loads it from.

    python manage.py train_risk_model [--infants N] [--seed S] [--out FILE] [--if-missing]

Same options and code as `python -m risk_model train`; `--out` defaults to RISK_MODEL_PATH.
"""

from argparse import Namespace
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from risk_model.__main__ import add_train_options, run_model_command
from risk_model.model import ModelFileError, load


class Command(BaseCommand):
    help = "Train the risk model (SYNTHETIC cohort) and save it to RISK_MODEL_PATH."

    def add_arguments(self, parser):
        add_train_options(parser, Path(settings.RISK_MODEL_PATH))
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="do nothing when a model file that fits this code is already there",
        )

    def handle(self, *args, **options):
        if options["if_missing"]:
            try:
                existing = load(options["out"])
            except ModelFileError as exc:
                self.stdout.write(f"training a risk model: {exc}")
            else:
                self.stdout.write(f"risk model {existing.version} is in place; not retraining")
                return
        if run_model_command(Namespace(command="train", **options), self.stdout) != 0:
            raise CommandError("training failed (see the message above)")
