"""The scenario book: every scenario, in the order a reviewer reads them, and the page around
them (docs/scenarios.md). `make scenarios` rewrites the page; the tests fail when it is stale."""

from pathlib import Path

from tests.scenarios import (
    cases_course,
    cases_data,
    cases_estimates,
    cases_measurements,
    cases_plan,
)

BOOK = Path(__file__).resolve().parents[2] / "docs" / "scenarios.md"
_ALL = [
    *cases_measurements.SCENARIOS,
    *cases_estimates.SCENARIOS,
    *cases_course.SCENARIOS,
    *cases_data.SCENARIOS,
    *cases_plan.SCENARIOS,
]
_FAMILIES = list(dict.fromkeys(s.family for s in _ALL))
# Grouped by family, in the order the families first appear, each family in file order.
SCENARIOS = sorted(_ALL, key=lambda s: _FAMILIES.index(s.family))
ENDS = "<!-- end of scenarios -->"

HEADER = """# NeoCare scenario book

What NeoCare says and does, step by step, for {count} infant timelines: the action, the next
measurement, the alert and referral, every SMS a parent or doctor receives (Simplified Chinese
and English), the parents' advice in the app and the clinician's text. A neonatologist can
review the programme's whole behaviour here.

**Generated, never edited by hand.** Each scenario is a file under `tests/scenarios/`
(`cases_*.py`); `tests/scenarios/test_book.py` replays every one through the API on a frozen
clock, on SQLite and on PostgreSQL in CI, asserts what each scenario states it expects, and fails
when what happens differs from this page. `make scenarios` rewrites the page after an intended
change — review the diff like code.

How to read it:
- Times are ages in hours after birth (born 11-02 08:00, Asia/Shanghai); clock times are local.
- Values are as sent (µmol/L for meters and labs, as in China); decisions are made on mg/dL to
  0.1 as shown, the guideline's unit (AAP 2022, Kemper et al. 2022), and µmol/L beside them is
  written so that the two agree.
- "Action now" is what counts after the step: the newest assessment, built on the newest
  plausible measurement and everything else still in force (docs/clinical-rules.md, "Evidence
  order"). A record that arrives late is assessed as of the latest moment.
- "Plan" is the follow-up plan's open requests after the step (GET /api/v1/infants/{{id}}/plan/):
  what only specific evidence answers — a blood test (TSB), or confirming a doubtful value — by
  when, at which level, and why; "—" when nothing is open. Twins show both infants' plans.
- "Alert" gives its level and state, the value that opened it or last moved it, and, while it
  is active, what the triage queue's row shows as the value that counts and its gap.
- Each family has a mother who reads Chinese and a father who reads English; the community and
  district doctors read Chinese. A neighbouring district's doctor (天河区), who cannot open the
  family's record, is in every city: escalation must never page them. Twins (陈大宝, 陈二宝)
  share their parents' phones.
- SMS are shown when written. [held until …] waits for the end of quiet hours (21:00–08:00) or
  the phone's next budget day; "Held SMS" says, at the step when it happened, what became of it
  (sent at that time, merged into another text to the same phone, withdrawn as no longer true).
  Other marks ([not sent], [merged …], [withdrawn …]) say why a text did not go on its own.
  Held texts go when they fall due, as the every-minute sweeper sends them; reminders and
  escalation run only at "time passes" steps.
- The programme policies behind every choice the guideline leaves open are listed in
  docs/clinical-rules.md, "Programme policies", and in `settings.CLINICAL_POLICY`.
- The risk model in these replays is the small one the tests train (3,000 simulated infants):
  its probabilities here illustrate the rules, they are not the served model's figures.

## Contents

{contents}

"""


def contents() -> str:
    lines, family = [], None
    for scenario in SCENARIOS:
        if scenario.family != family:
            family = scenario.family
            lines.append(f"- **{family}**")
        lines.append(f"  - [{scenario.title}](#{scenario.id}) — `{scenario.id}`")
    return "\n".join(lines)


def header() -> str:
    return HEADER.format(count=len(SCENARIOS), contents=contents())


def sections(text: str) -> dict[str, str]:
    """The checked-in page, cut into its scenario sections by their markers."""
    found: dict[str, str] = {}
    body = text.split(ENDS)[0]
    parts = body.split("<!-- scenario: ")
    for part in parts[1:]:
        scenario_id = part.split(" -->", 1)[0]
        found[scenario_id] = "<!-- scenario: " + part.rstrip() + "\n"
    return found


def page(rendered: dict[str, str]) -> str:
    body = "\n".join(rendered[s.id] for s in SCENARIOS)
    return header() + body + "\n" + ENDS + "\n"
