"""The shipped AAP 2022 and Bhutani tables come back exactly; interpolation and hold."""

import csv
from pathlib import Path

import pytest

from risk_model.tables import (
    Kind,
    Zone,
    aap_threshold_mg_dl,
    bhutani_percentiles,
    bhutani_zone,
)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "clinical"
PACKAGED = Path(__file__).resolve().parents[2] / "risk_model" / "data"


def rows():
    with (PACKAGED / "aap2022_thresholds.csv").open() as f:
        return list(csv.DictReader(f))


def test_every_tabulated_point_comes_back_exactly():
    checked = 0
    for row in rows():
        value = aap_threshold_mg_dl(
            Kind(row["kind"]),
            ga_weeks=int(row["ga_weeks"]),
            neurotoxicity_risk=row["neurotoxicity_risk"] == "yes",
            age_hours=float(row["age_hours"]),
        )
        assert value == float(row["threshold_mg_dl"]), row
        checked += 1
    assert checked == 2 * 2 * 6 * 336


@pytest.mark.skipif(not SHARED.exists(), reason="shared/ not beside this checkout")
def test_packaged_tables_are_the_shared_ones():
    for name in ("aap2022_thresholds.csv", "bhutani_nomogram.csv"):
        assert (PACKAGED / name).read_bytes() == (SHARED / name).read_bytes()


def test_between_hours_interpolates_linearly():
    # 38 weeks, no risk: 24 h → 12.3, 25 h → (from the table) — half way is the mean.
    at_24 = aap_threshold_mg_dl(
        Kind.PHOTOTHERAPY, ga_weeks=38, neurotoxicity_risk=False, age_hours=24
    )
    at_25 = aap_threshold_mg_dl(
        Kind.PHOTOTHERAPY, ga_weeks=38, neurotoxicity_risk=False, age_hours=25
    )
    at_24_25 = aap_threshold_mg_dl(
        Kind.PHOTOTHERAPY, ga_weeks=38, neurotoxicity_risk=False, age_hours=24.25
    )
    assert at_24 == 12.3
    assert at_24_25 == pytest.approx(at_24 + (at_25 - at_24) * 0.25)


def test_past_336_hours_holds_the_last_value_and_before_1_hour_the_first():
    def photo(hours):
        return aap_threshold_mg_dl(
            Kind.PHOTOTHERAPY, ga_weeks=38, neurotoxicity_risk=False, age_hours=hours
        )

    assert photo(336) == photo(400) == photo(672) == 21.8
    assert photo(0) == photo(0.5) == photo(1) == 7.9


def test_41_weeks_uses_the_40_week_row_and_below_35_is_refused():
    assert aap_threshold_mg_dl(
        Kind.EXCHANGE, ga_weeks=42, neurotoxicity_risk=True, age_hours=50
    ) == aap_threshold_mg_dl(Kind.EXCHANGE, ga_weeks=40, neurotoxicity_risk=True, age_hours=50)
    with pytest.raises(ValueError):
        aap_threshold_mg_dl(Kind.EXCHANGE, ga_weeks=34, neurotoxicity_risk=True, age_hours=50)


def test_bhutani_tracks_and_zones():
    at_48 = bhutani_percentiles(48)
    with (PACKAGED / "bhutani_nomogram.csv").open() as f:
        row = next(r for r in csv.DictReader(f) if r["age_hours"] == "48")
    assert (at_48.p40_mg_dl, at_48.p75_mg_dl, at_48.p95_mg_dl) == (
        float(row["p40_mg_dl"]),
        float(row["p75_mg_dl"]),
        float(row["p95_mg_dl"]),
    )
    assert bhutani_percentiles(11.9) is None
    assert bhutani_percentiles(148.1) is None
    assert bhutani_zone(at_48.p40_mg_dl - 0.1, at_48) is Zone.LOW
    assert bhutani_zone(at_48.p40_mg_dl, at_48) is Zone.LOW_INTERMEDIATE
    assert bhutani_zone(at_48.p75_mg_dl, at_48) is Zone.HIGH_INTERMEDIATE
    assert bhutani_zone(at_48.p95_mg_dl, at_48) is Zone.HIGH_INTERMEDIATE
    assert bhutani_zone(at_48.p95_mg_dl + 0.1, at_48) is Zone.HIGH
