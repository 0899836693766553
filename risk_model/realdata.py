"""Real outcomes exported by the programme (`manage.py export_training_data`) as a `Cohort`,
and the champion/challenger comparison on the most recent of them (issue #17).

The export has the simulator's file shape (infants, readings, weights, photos), so the same
`dataset.build` turns it into rows with the same feature code; what it lacks (true values,
latent trajectories) no training step reads. Infants are held out *by time*: `split_by_month`
keeps the infants born before a month for training and those born in or after it for the
comparison, the way a new model would meet the next infants.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from risk_model import metrics
from risk_model.dataset import build
from risk_model.simulator import Cohort

BOOLEAN = (
    "g6pd_deficiency",
    "isoimmune_haemolysis",
    "other_neurotoxicity_factor",
    "suboptimal_intake",
    "family_phototherapy",
    "bruising",
    "neurotoxicity_assessed",
)


class ExportError(ValueError):
    """The directory is not a readable NeoCare export; the message says why."""


def _rows(path: Path) -> list[dict]:
    if not path.is_file():
        raise ExportError(f"{path} is missing: not a NeoCare training export")
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def load_export(directory: Path | str) -> Cohort:
    """The export in `directory` as a Cohort (infants in file order, readings sorted)."""
    directory = Path(directory)
    infants = _rows(directory / "infants.csv")
    index = {row["infant_id"]: k for k, row in enumerate(infants)}
    if len(index) != len(infants):
        raise ExportError("infants.csv repeats an infant_id")
    a: dict[str, np.ndarray] = {
        "infant_id": np.array([r["infant_id"] for r in infants]),
        "birth_month": np.array([r["birth_month"] for r in infants]),
        "sex": np.array([r["sex"] for r in infants]),
        "ga_weeks": np.array([int(r["ga_weeks"]) for r in infants], dtype=int),
        "ga_days": np.array([int(r["ga_days"]) for r in infants], dtype=int),
        "birth_weight_g": np.array([int(r["birth_weight_g"]) for r in infants], dtype=int),
        "feeding": np.array([r["feeding"] for r in infants]),
    }
    for name in BOOLEAN:
        a[name] = np.array([r.get(name) == "true" for r in infants], dtype=bool)

    def table(name: str, columns: dict) -> dict[str, np.ndarray]:
        rows = _rows(directory / name)
        unknown = {r["infant_id"] for r in rows} - index.keys()
        if unknown:
            raise ExportError(f"{name} names infants not in infants.csv")
        who = np.array([index[r["infant_id"]] for r in rows], dtype=int)
        ages = np.array([float(r["age_hours"]) for r in rows])
        order = np.lexsort((ages, who))
        out = {"infant": who[order], "age_hours": ages[order]}
        for column, convert in columns.items():
            out[column] = np.array([convert(r[column]) for r in rows])[order]
        return out

    readings = table(
        "readings.csv",
        {
            "method": str,
            "observed_mg_dl": float,
            "true_tsb_mg_dl": lambda v: float(v) if v else np.nan,
            "reaches_phototherapy_within_72h": lambda v: v == "true",
        },
    )
    readings["reaches_phototherapy_within_72h"] = readings[
        "reaches_phototherapy_within_72h"
    ].astype(bool)
    weights = table("weights.csv", {"weight_g": int})
    photos = table("photos.csv", {"estimate_mg_dl": float})
    return Cohort(seed=-1, infants=a, readings=readings, weights=weights, photos=photos)


def subset(cohort: Cohort, keep: np.ndarray) -> Cohort:
    """The infants where `keep` is true, with their readings, weights and photos."""
    new_index = np.full(cohort.size, -1)
    new_index[keep] = np.arange(int(keep.sum()))

    def part(rows: dict) -> dict:
        mask = keep[rows["infant"]]
        out = {k: v[mask] for k, v in rows.items()}
        out["infant"] = new_index[out["infant"]]
        return out

    return Cohort(
        seed=cohort.seed,
        infants={k: v[keep] for k, v in cohort.infants.items()},
        readings=part(cohort.readings),
        weights=part(cohort.weights),
        photos=part(cohort.photos),
    )


def split_by_month(cohort: Cohort, month: str) -> tuple[Cohort, Cohort]:
    """(born before `month`, born in or after it); `month` as YYYY-MM."""
    later = cohort.infants["birth_month"] >= month
    return subset(cohort, ~later), subset(cohort, later)


def compare(champion, challenger, held_out: Cohort) -> list[dict]:
    """Both models (and the gap rule) on the held-out real infants, on the same metrics."""
    data = build(held_out)
    if data.y.sum() == 0 or data.y.all():
        raise ExportError("the held-out infants need readings of both outcomes to compare models")
    rows = []
    for role, trained in (("champion (served)", champion), ("challenger", challenger)):
        rows.append(
            {
                "role": role,
                "model_version": trained.version,
                **metrics.evaluate(trained.probability(data.X), data.y, data.infant).as_dict(),
            }
        )
    gap = champion.score("aap_gap_rule", data)
    rows.append(
        {
            "role": "baseline",
            "model_version": "aap_gap_rule",
            **metrics.evaluate(gap, data.y, data.infant).as_dict(),
        }
    )
    return rows
