"""Command line of the clinical core, without Django.

Guideline calculator (prints one JSON object):
    python -m risk_model thresholds --ga 37+2 --age-hours 40.5 [--neurotoxicity-risk]
    python -m risk_model assess --ga 37+2 --age-hours 40.5 --value 250 --unit umol/L \\
        [--method tcb|tsb|visual] [--neurotoxicity-risk] [--birth-weight-g 3200]

Risk model (progress on stderr):
    python -m risk_model simulate --infants N --seed S --out DIR [--truth-every-hours H]
    python -m risk_model train [--infants N] [--seed S] [--out var/risk_model.skops]
    python -m risk_model evaluate [--model var/risk_model.skops] [--infants N] [--seed S] \\
        [--plot FILE.png] [--json]
    python -m risk_model train … [--real EXPORT_DIR [--real-before YYYY-MM] [--real-weight W]]
    python -m risk_model compare --challenger FILE --real EXPORT_DIR --since YYYY-MM \\
        [--champion var/risk_model.skops] [--json]
    python -m risk_model calibrate-report [--infants N] [--seed S] [--json]
        the simulator beside Bhutani 1999 and Kaiser 2021; exit 1 when a figure is outside
        its tolerance
"""

import argparse
import json
import sys
from pathlib import Path

from risk_model import defaults
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
    add_model_commands(commands, defaults.MODEL_PATH)
    args = parser.parse_args(argv)
    if args.command in MODEL_COMMANDS:
        return run_model_command(args, sys.stdout)
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


MODEL_COMMANDS = ("simulate", "train", "evaluate", "calibrate-report", "compare")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_model_commands(commands, default_model: Path) -> None:
    """The simulate/train/evaluate subcommands."""
    sub = commands.add_parser("simulate", help="write a SYNTHETIC cohort as CSV files")
    sub.add_argument("--infants", type=_positive, required=True)
    sub.add_argument("--seed", type=int, required=True)
    sub.add_argument("--out", type=Path, required=True, help="directory for the CSV files")
    sub.add_argument("--truth-every-hours", type=float, default=None)
    sub = commands.add_parser("train", help="train and save the risk model")
    add_train_options(sub, default_model)
    sub = commands.add_parser("evaluate", help="evaluate a saved model on a held-out cohort")
    add_evaluate_options(sub, default_model)
    sub = commands.add_parser(
        "calibrate-report", help="the simulator beside the published cohorts (Bhutani, Kaiser)"
    )
    sub.add_argument("--infants", type=_positive, default=defaults.EVALUATE_INFANTS)
    sub.add_argument("--seed", type=int, default=defaults.EVALUATE_SEED)
    sub.add_argument("--json", action="store_true", help="print the figures as JSON")
    sub = commands.add_parser(
        "compare", help="champion vs challenger on the most recent real outcomes"
    )
    sub.add_argument("--champion", type=Path, default=default_model, help="the served model")
    sub.add_argument("--challenger", type=Path, required=True)
    sub.add_argument("--real", type=Path, required=True, help="an export of real outcomes")
    sub.add_argument(
        "--since", type=_month, required=True, help="hold out the infants born from YYYY-MM"
    )
    sub.add_argument("--json", action="store_true")


def _month(text: str) -> str:
    import re

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError("a month as YYYY-MM")
    return text


def add_train_options(parser, default_model: Path) -> None:
    parser.add_argument("--infants", type=_positive, default=defaults.TRAIN_INFANTS)
    parser.add_argument("--seed", type=int, default=defaults.TRAIN_SEED)
    parser.add_argument("--out", type=Path, default=default_model, help="model file to write")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument(
        "--real", type=Path, default=None, help="an export of real outcomes to train on too"
    )
    parser.add_argument(
        "--real-before", type=_month, default=None, help="only real infants born before YYYY-MM"
    )
    parser.add_argument(
        "--real-weight",
        type=float,
        default=defaults.REAL_WEIGHT,
        help="each real reading weighs this many simulated ones (default %(default)s)",
    )


def add_evaluate_options(parser, default_model: Path) -> None:
    parser.add_argument("--model", type=Path, default=default_model, help="model file to read")
    parser.add_argument("--infants", type=_positive, default=defaults.EVALUATE_INFANTS)
    parser.add_argument("--seed", type=int, default=defaults.EVALUATE_SEED)
    parser.add_argument("--plot", type=Path, default=None, help="write a calibration plot (PNG)")
    parser.add_argument("--json", action="store_true", help="print the table as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def run_model_command(args, stream) -> int:
    """Run simulate/train/evaluate from parsed options; errors are one line on stderr."""
    from risk_model import workflows as w
    from risk_model.model import ModelFileError

    try:
        if args.command == "simulate":
            counts = w.simulate_to_csv(
                n_infants=args.infants,
                seed=args.seed,
                out=args.out,
                truth_every_hours=args.truth_every_hours,
            )
            for name, rows in counts.items():
                stream.write(f"{args.out / name}: {rows} rows\n")
        elif args.command == "calibrate-report":
            from risk_model import calibration
            from risk_model.simulator import simulate

            result = calibration.report(simulate(args.infants, args.seed))
            if args.json:
                json.dump(result, stream, ensure_ascii=False, indent=2)
                stream.write("\n")
            else:
                stream.write(calibration.format_report(result))
            return 0 if all(calibration.within_tolerance(result["figures"]).values()) else 1
        elif args.command == "compare":
            w.compare_files(
                champion=args.champion,
                challenger=args.challenger,
                real=args.real,
                since=args.since,
                stream=stream,
                as_json=args.json,
            )
        elif args.command == "train":
            meta = w.train_to_file(
                n_infants=args.infants,
                seed=args.seed,
                out=args.out,
                quiet=args.quiet,
                real=args.real,
                real_before=args.real_before,
                real_weight=args.real_weight,
            )
            stream.write(f"saved {args.out}: {meta['model_version']}\n")
            chosen = meta["validation_metrics"][meta["selected"]]
            stream.write(
                f"selected {meta['selected']} ({meta['selection_rule']}): validation AUROC "
                f"{chosen['auroc']:.4f}, flagged at sensitivity 0.98 "
                f"{chosen['flagged_share_at_sensitivity_98']:.2%}\n"
            )
        else:
            w.evaluate_file(
                model_path=args.model,
                n_infants=args.infants,
                seed=args.seed,
                plot=args.plot,
                as_json=args.json,
                stream=stream,
                quiet=args.quiet,
            )
    except (ModelFileError, ValueError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
