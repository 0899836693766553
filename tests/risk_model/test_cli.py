"""`python -m risk_model`: the calculator's JSON keys are a contract."""

import json
import subprocess
import sys


def run(*args):
    out = subprocess.run(
        [sys.executable, "-m", "risk_model", *args], capture_output=True, text=True, check=False
    )
    return out.returncode, out.stdout, out.stderr


def test_thresholds_prints_the_three_thresholds():
    # 37 weeks, no risk, 40.5 h: between the 40 h and 41 h rows of the table.
    code, out, _ = run("thresholds", "--ga", "37+2", "--age-hours", "40.5")
    body = json.loads(out)
    assert code == 0
    assert {"phototherapy_mg_dl", "escalation_mg_dl", "exchange_mg_dl", "reason"} <= set(body)
    assert body["escalation_mg_dl"] == body["exchange_mg_dl"] - 2.0
    assert body["reason"] is None


def test_thresholds_outside_the_guideline_are_null_with_a_reason():
    code, out, _ = run("thresholds", "--ga", "34+6", "--age-hours", "40")
    body = json.loads(out)
    assert (code, body["phototherapy_mg_dl"], body["exchange_mg_dl"], body["reason"]) == (
        0,
        None,
        None,
        "below_35_weeks",
    )


def test_neurotoxicity_flag_selects_the_lower_curve():
    _, plain, _ = run("thresholds", "--ga", "38+0", "--age-hours", "48")
    _, risky, _ = run("thresholds", "--ga", "38+0", "--age-hours", "48", "--neurotoxicity-risk")
    assert json.loads(plain)["phototherapy_mg_dl"] == 16.0
    assert json.loads(risky)["phototherapy_mg_dl"] < 16.0


def test_assess_prints_the_stable_keys():
    code, out, _ = run(
        "assess",
        "--ga",
        "38+0",
        "--age-hours",
        "48",
        "--value",
        "273",
        "--unit",
        "umol/L",
        "--method",
        "tsb",
    )
    body = json.loads(out)
    assert code == 0
    assert {"action", "gap_mg_dl", "zone", "signals", "next_measurement_hours", "reasons"} <= set(
        body
    )
    assert (body["action"], body["gap_mg_dl"]) == ("urgent_referral", 0.0)


def test_bad_gestational_age_is_a_usage_error():
    code, _, err = run("thresholds", "--ga", "37+9", "--age-hours", "40")
    assert code == 2
    assert "days 0–6" in err
