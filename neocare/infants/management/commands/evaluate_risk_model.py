"""Evaluate the saved risk model on a held-out SYNTHETIC cohort, beside the clinicians' rules.

    python manage.py evaluate_risk_model [--model FILE] [--infants N] [--seed S] \
        [--plot FILE.png] [--json]

Same options and code as `python -m risk_model evaluate`; `--model` defaults to RISK_MODEL_PATH.
"""

from argparse import Namespace
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from risk_model.__main__ import add_evaluate_options, run_model_command


class Command(BaseCommand):
    help = "Evaluate the risk model on a held-out SYNTHETIC cohort (table or --json)."

    def add_arguments(self, parser):
        add_evaluate_options(parser, Path(settings.RISK_MODEL_PATH))

    def handle(self, *args, **options):
        if run_model_command(Namespace(command="evaluate", **options), self.stdout) != 0:
            raise CommandError("evaluation failed (see the message above)")
