"""Recompute the regional dashboard's daily roll-ups from every record (after a bulk load, or
when an infant was moved to another centre in the admin)."""

import time

from django.core.management.base import BaseCommand

from neocare.console import rollups


class Command(BaseCommand):
    help = "Recompute the regional dashboard's daily roll-ups from every record."

    def handle(self, *args, **options):
        started = time.monotonic()
        days = rollups.rebuild()
        self.stdout.write(f"{days} days recomputed in {time.monotonic() - started:.1f} s")
