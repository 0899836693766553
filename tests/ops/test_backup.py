"""Issue #13: the backup and restore procedure, exercised: dump the database, restore it into a
fresh one, compare every table's row count; a restore refuses a database already in use."""

import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.helpers import make_term_infant_born_50h_ago, post_reading

BIN = Path(__file__).resolve().parents[2] / "bin"
TABLES = [
    "infants_infant",
    "infants_reading",
    "infants_assessment",
    "alerts_alert",
    "messaging_message",
    "messaging_reminder",
    "audit_auditevent",
]


def _url(name: str) -> str:
    s = connection.settings_dict
    return f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_into_a_fresh_database_with_every_row(world, client_for, tmp_path):
    infant = make_term_infant_born_50h_ago(world.ours)
    post_reading(client_for(world.personas["guardian"]), infant, value="16.0", key="backup-01")
    source = _url(connection.settings_dict["NAME"])
    fresh = f"neocare_restore_{uuid.uuid4().hex[:8]}"
    dump = tmp_path / "neocare.dump"
    admin = _url("postgres")
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{fresh}"')
    try:
        subprocess.run([BIN / "backup-postgres", source, dump], check=True, capture_output=True)
        subprocess.run(
            [BIN / "restore-postgres", dump, _url(fresh)], check=True, capture_output=True
        )
        before, after = _counts(source), _counts(_url(fresh))
        assert before == after
        assert before["infants_reading"] == 1 and before["alerts_alert"] == 1

        again = subprocess.run(
            [BIN / "restore-postgres", dump, _url(fresh)], capture_output=True, text=True
        )
        assert again.returncode == 1 and "refusing" in again.stderr
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
