"""Export the programme's recorded outcomes as a de-identified training set (issue #17).

    python manage.py export_training_data --out DIR

Writes infants.csv, readings.csv, weights.csv, photos.csv (the shape `python -m risk_model
simulate` writes, so `python -m risk_model train --real DIR` reads it) and DATA_DICTIONARY.md.
The salt for the pseudonyms comes from the TRAINING_EXPORT_SALT setting; without it nothing is
written. Rules: neocare/infants/outcomes.py.
"""

import csv
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from neocare.infants import outcomes
from neocare.infants.models import Infant


class Command(BaseCommand):
    help = "Export recorded outcomes as a de-identified training set (CSV + data dictionary)."

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True, help="directory to write")

    def handle(self, *args, **options):
        salt = settings.TRAINING_EXPORT_SALT
        if not salt:
            raise CommandError(
                "TRAINING_EXPORT_SALT is not set: pseudonyms need a secret salt "
                "(keep it inside the programme, never with the export)"
            )
        data = outcomes.export(Infant.objects.all(), salt)
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        for name, rows in (
            ("infants.csv", data.infants),
            ("readings.csv", data.readings),
            ("weights.csv", data.weights),
            ("photos.csv", data.photos),
        ):
            with (out / name).open("w", newline="") as f:
                writer = csv.DictWriter(f, fieldnames=list(outcomes.DICTIONARY[name]))
                writer.writeheader()
                writer.writerows(
                    {
                        k: ("true" if v is True else "false" if v is False else v)
                        for k, v in r.items()
                    }
                    for r in rows
                )
        (out / "DATA_DICTIONARY.md").write_text(_dictionary(data))
        positives = sum(r["reaches_phototherapy_within_72h"] for r in data.readings)
        self.stdout.write(
            f"{out}: {len(data.infants)} infants, {len(data.readings)} labelled readings "
            f"({positives} reaching the threshold within {outcomes.HORIZON} h); "
            f"{data.censored_readings} left out as censored, "
            f"{data.after_phototherapy_readings} after phototherapy"
        )


def _dictionary(data: outcomes.Export) -> str:
    lines = [
        "# NeoCare training export: data dictionary",
        "",
        (outcomes.__doc__ or "").strip(),
        "",
        f"This export: {len(data.infants)} infants, {len(data.readings)} labelled readings; "
        f"{data.censored_readings} readings left out because their outcome is unknown "
        f"(censored), {data.after_phototherapy_readings} because phototherapy had begun.",
    ]
    for name, columns in outcomes.DICTIONARY.items():
        lines += ["", f"## {name}", "", "| column | meaning |", "|---|---|"]
        lines += [f"| `{c}` | {meaning} |" for c, meaning in columns.items()]
    return "\n".join(lines) + "\n"
