"""What the benchmarks that run the real stack share: a fresh PostgreSQL database with the
project migrated and its models trained, and real Celery workers (`-P solo`) pointed at a
gateway. Each benchmark sets DATABASE_URL, CELERY_BROKER_URL… in os.environ first."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sh(*args) -> None:
    subprocess.run(args, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def fresh_database(name: str, *, photo_estimator: bool = False) -> None:
    """Drop and create `name`, migrate it, train what is missing."""
    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {name}")
    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {name}")
    sh(sys.executable, "manage.py", "migrate", "-v0")
    sh(sys.executable, "manage.py", "train_risk_model", "--if-missing", "--quiet")
    if photo_estimator:
        sh(sys.executable, "manage.py", "train_photo_estimator", "--if-missing")


def start_workers(
    gateway_url: str, *, batch_url: str = "", count: int = 1, name: str = "bench"
) -> list:
    """`count` Celery worker processes sending to the gateway at `gateway_url` (and its batch
    API at `batch_url`, if given)."""
    env = {**os.environ, "SMS_GATEWAY_URL": gateway_url, "SMS_GATEWAY_BATCH_URL": batch_url}
    return [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "neocare",
                "worker",
                "-P",
                "solo",
                "-n",
                f"{name}{k}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "ERROR",
            ],
            cwd=ROOT,
            env=env,
        )
        for k in range(count)
    ]
