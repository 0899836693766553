"""Command-line calculator over the guideline engine, for clinicians and for checking the engine
without the server. Prints one JSON object.

    python -m risk_model thresholds --ga 37+2 --age-hours 40.5 [--neurotoxicity-risk]
    python -m risk_model assess --ga 37+2 --age-hours 40.5 --value 250 --unit umol/L \\
        [--method tcb|tsb|visual] [--neurotoxicity-risk] [--birth-weight-g 3200]
"""

import argparse
import json
import sys

from risk_model.guideline import (
    GUIDELINE_VERSION,
    InfantFacts,
    ReadingFacts,
    assess,
    parse_gestational_age,
    thresholds,
)
from risk_model.units import Unit


def _gestational_age(text: str) -> tuple[int, int]:
    try:
        return parse_gestational_age(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _unit(text: str) -> Unit:
    aliases = {"µmol/L": Unit.UMOL_L, "umol/l": Unit.UMOL_L, "mg/dl": Unit.MG_DL}
    try:
        return aliases.get(text) or aliases.get(text.lower()) or Unit(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("unit must be umol/L or mg/dL") from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m risk_model",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("thresholds", "assess"):
        sub = commands.add_parser(name)
        sub.add_argument(
            "--ga",
            type=_gestational_age,
            required=True,
            help="gestational age, completed weeks+days, e.g. 37+2",
        )
        sub.add_argument("--age-hours", type=float, required=True)
        sub.add_argument(
            "--neurotoxicity-risk",
            action="store_true",
            help="any neurotoxicity risk factor other than gestational age",
        )
        if name == "assess":
            sub.add_argument("--value", type=float, required=True)
            sub.add_argument("--unit", type=_unit, required=True)
            sub.add_argument("--method", choices=["tcb", "tsb", "visual"], default="tcb")
            sub.add_argument(
                "--birth-weight-g", type=int, default=None, help="needed for the Bhutani zone"
            )
    args = parser.parse_args(argv)
    weeks, days = args.ga

    if args.command == "thresholds":
        th = thresholds(
            ga_weeks=weeks, age_hours=args.age_hours, neurotoxicity_risk=args.neurotoxicity_risk
        )
        out = {
            "phototherapy_mg_dl": th.phototherapy_mg_dl,
            "escalation_mg_dl": th.escalation_mg_dl,
            "exchange_mg_dl": th.exchange_mg_dl,
            "applies": th.applies,
            "reason": th.reason,
            "ga_weeks_row": th.ga_weeks_row,
            "neurotoxicity_curves": th.neurotoxicity_curves,
            "guideline_version": GUIDELINE_VERSION,
        }
    else:
        infant = InfantFacts(
            gestational_age_weeks=weeks,
            gestational_age_days=days,
            birth_weight_g=args.birth_weight_g,
            neurotoxicity_risk=args.neurotoxicity_risk,
        )
        reading = ReadingFacts(
            age_hours=args.age_hours, value=args.value, unit=args.unit, method=args.method
        )
        out = assess(infant, reading).to_dict()
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
