"""Register a trained risk model in the registry (issue #17).

    python manage.py register_risk_model FILE [--evaluation EVAL.json] [--comparison CMP.json]
        [--plot PLOT.png]
    python manage.py register_risk_model --bootstrap

EVAL.json is `python -m risk_model evaluate --json`, CMP.json `python -m risk_model compare
--json`. `--bootstrap` registers the file serving now as serving, once, before anyone has
promoted a model (`make run` does this). Promotion is a clinician's sign-off in the admin.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from neocare.riskmodels import services
from risk_model.model import ModelFileError


class Command(BaseCommand):
    help = "Register a trained risk model file (or, with --bootstrap, the one serving now)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?")
        parser.add_argument("--evaluation", type=Path)
        parser.add_argument("--comparison", type=Path)
        parser.add_argument("--plot", type=Path)
        parser.add_argument("--bootstrap", action="store_true")

    def handle(self, *args, **options):
        try:
            if options["bootstrap"]:
                entry = services.bootstrap()
                self.stdout.write(f"serving: {entry.version if entry else 'no model file'}")
                return
            if options["file"] is None:
                raise CommandError("give a model FILE (or --bootstrap)")
            entry = services.register(
                options["file"],
                evaluation=_json(options["evaluation"]),
                comparison=_json(options["comparison"]),
                plot=options["plot"],
            )
        except ModelFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"registered {entry.version} ({entry.get_status_display()})")


def _json(path: Path | None):
    return None if path is None else json.loads(path.read_text())
