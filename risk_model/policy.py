"""Programme policies: where AAP 2022 and DOMAIN.md leave a choice, NeoCare's choice, named.

None of these numbers is a guideline threshold. Each is a decision the programme's clinicians
sign off (docs/clinical-rules.md § "Programme policies" lists them with their reasons); Django
passes `settings.CLINICAL_POLICY` (every field named there), the CLI and the pure tests use the
defaults below. Windows are (from, by) in hours after the evidence that asks for them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    # AAP 2022 leaves follow-up at >= 72 h with a gap >= 5.5 mg/dL to "clinical judgement".
    # NeoCare measures again within this window ...
    judgement_band_window_hours: tuple[float, float] = (24, 48)
    # ... until this many successive measurements have each fallen ...
    judgement_band_falls_to_stop: int = 2
    # ... or the infant reaches this age in days: >= 38 completed weeks, and 35-37 weeks.
    monitoring_end_day_term: int = 7
    monitoring_end_day_late_preterm: int = 10

    # A TcB (or an estimate) that needs a serum value: TSB within this window (the follow-up
    # table's TSB window at >= 24 h); in the first day the table's 4-8 h applies.
    tsb_confirm_window_hours: tuple[float, float] = (4, 24)
    tsb_confirm_window_first_day_hours: tuple[float, float] = (4, 8)
    # No AAP 2022 threshold (< 35 weeks, gestational age unknown) and none set by a clinician:
    # the doctor reviews, and a measurement is due within this window.
    outside_guideline_window_hours: tuple[float, float] = (4, 24)
    # No measurement at all yet (or only estimates): a meter or lab value within this window.
    no_measurement_window_hours: tuple[float, float] = (0, 24)
    # A visual estimate is never a measurement: it asks for one within this window, at most.
    visual_window_hours: tuple[float, float] = (0, 24)

    # Prolonged jaundice (DOMAIN.md: 2 weeks formula-fed, 3 weeks breastfed): the day for mixed
    # feeding, which DOMAIN.md does not name; the earlier day finds cholestasis sooner.
    prolonged_mixed_feeding_day: int = 14
    # Weight loss above 10 %: a measurement within this window as well as the doctor's review.
    weight_loss_window_hours: tuple[float, float] = (0, 24)
    # Before 72 h a wide gap allows 2–3 days; no due time may fall later than the policy window
    # after 72 h would allow (72 h + this), so follow-up does not stretch across day 3.
    before_72h_latest_due_age_hours: float = 120

    # How long a report counts without being repeated (hours before the assessment).
    danger_signs_valid_hours: float = 24
    # Signs parents report that DOMAIN.md's list ("poor feeding, lethargy, high-pitched cry,
    # arching") does not name, treated as an emergency all the same: seizures (advanced acute
    # bilirubin encephalopathy, or another emergency) and a blue colour (cyanosis). A subset
    # of risk_model.guideline.OTHER_EMERGENCY_SIGNS.
    emergency_signs_beyond_guideline: tuple[str, ...] = ("seizures", "blue_colour")
    weight_valid_hours: float = 72
    # An estimate (photo or visual) not yet answered by a measurement counts this long.
    estimate_valid_hours: float = 24
    # A TSB whose own advice asked for another TSB (gap < 2 mg/dL, or above a threshold) keeps
    # that advice in force over newer meter readings for this long, unless a TSB answers it.
    tsb_advice_in_force_hours: float = 48

    # Plausibility. A value in umol/L at or below this, at or after this age, is the range of
    # mg/dL numbers and below almost any newborn's bilirubin after the first day: the unit is
    # probably wrong.
    unit_suspect_max_umol_l: float = 30
    unit_suspect_from_age_hours: float = 24
    # A change between measurements larger than (allowance + rate x hours) is not biology:
    # TcB agrees with TSB within about +/-3 mg/dL, and even haemolysis rarely raises TSB by
    # 1 mg/dL an hour (AAP's "rapid rise" is 0.2-0.3).
    implausible_allowance_mg_dl: float = 3.0
    implausible_rate_mg_dl_per_hour: float = 1.0
    # Falls: bilirubin that is not treated falls slowly after its peak (about 1 mg/dL a day
    # from day 4-5 in term infants); even intensive phototherapy lowers TSB by only 30-40 % in
    # its first 24 h (AAP 2004, Maisels & McDonagh, NEJM 2008;358:920), some 0.2-0.5 mg/dL an
    # hour at high values. A fall faster than this rate (beyond the meter allowance) is doubted
    # as a value of another infant, another site or a typing error, not biology.
    implausible_fall_rate_mg_dl_per_hour: float = 0.2
    # A repeat of a doubtful value confirms it when the two differ by at most this much (a TcB
    # meter's repeatability at one site is well within it); a TSB always settles it.
    confirm_tolerance_mg_dl: float = 2.0
    # An implausible value asks the parents to measure again within this window.
    remeasure_window_hours: tuple[float, float] = (0, 4)

    # After phototherapy (DOMAIN.md, consensus of implementations): with a rebound risk factor
    # measure 6-12 h after stopping and again "the next day"; otherwise the next day. "The next
    # day" is this window after stopping.
    rebound_first_window_hours: tuple[float, float] = (6, 12)
    rebound_next_day_window_hours: tuple[float, float] = (24, 36)
    # A course of phototherapy with no recorded end is taken as stopped this long after it
    # began (or at the first home reading, if sooner), so that the infant's later readings are
    # assessed, not left to a treating team that no longer has the infant.
    phototherapy_unclosed_after_hours: float = 72


DEFAULT_POLICY = Policy()
