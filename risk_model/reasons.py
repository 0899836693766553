"""Short reasons for each assessment, in Simplified Chinese and English: plain words for a
parent, precise numbers for a doctor. Pure data; `guideline.assess` picks the codes."""

from collections import defaultdict

LANGUAGES = ("zh-hans", "en")

# code → (parent zh, parent en, clinician zh, clinician en). Placeholders are filled from the
# assessment; numbers are preformatted (mg/dL to 0.1, µmol/L whole).
TEXTS: dict[str, tuple[str, str, str, str]] = {
    "action_routine": (
        "目前情况平稳，请按时复测。",
        "Things look steady for now. Measure again on time.",
        "常规随访。",
        "Routine follow-up.",
    ),
    "action_repeat_sooner": (
        "请提前复测胆红素，{next_h} 小时内再测一次。",
        "Measure the bilirubin again sooner: within {next_h} hours.",
        "提前复测（{next_h} 小时内）。",
        "Repeat measurement within {next_h} h.",
    ),
    "action_doctor_review": (
        "请今天联系社区医生。",
        "Please contact your community doctor today.",
        "今日需社区医生评估。",
        "Community doctor review today.",
    ),
    "action_urgent_referral": (
        "请今天带宝宝去医院检查，不要等待。",
        "Take your baby to hospital today. Do not wait.",
        "紧急转诊至医院（当日）。",
        "Urgent hospital referral (today).",
    ),
    "action_emergency": (
        "紧急情况：请立即带宝宝去医院急诊。",
        "Emergency: take your baby to a hospital emergency department now.",
        "急症：已达升级处理阈值或有急性胆红素脑病征象。",
        "Emergency: at or above escalation of care, or signs of acute bilirubin encephalopathy.",
    ),
    "at_or_above_escalation": (
        "胆红素已经很高，需要立即治疗。",
        "The bilirubin is very high and needs treatment now.",
        "{method} {value_mg} mg/dL（{value_umol} µmol/L），{age_h} 小时：≥ 升级处理阈值 {esc_mg} "
        "mg/dL（换血阈值 {exch_mg} mg/dL）。强化光疗、急查血、准备换血。（AAP 2022）",
        "{method} {value_mg} mg/dL ({value_umol} µmol/L) at {age_h} h: at or above escalation of "
        "care {esc_mg} mg/dL (exchange {exch_mg} mg/dL). Intensive phototherapy, urgent labs, "
        "prepare for exchange transfusion. (AAP 2022)",
    ),
    "at_or_above_phototherapy": (
        "胆红素已达到需要光疗的水平。",
        "The bilirubin has reached the level that needs light treatment (phototherapy).",
        "{method} {value_mg} mg/dL（{value_umol} µmol/L），{age_h} 小时：≥ 光疗阈值 {photo_mg} "
        "mg/dL（差值 {gap_mg} mg/dL）。需光疗：紧急转诊。（AAP 2022）",
        "{method} {value_mg} mg/dL ({value_umol} µmol/L) at {age_h} h: at or above phototherapy "
        "threshold {photo_mg} mg/dL (Δ {gap_mg} mg/dL). Phototherapy indicated: urgent referral. "
        "(AAP 2022)",
    ),
    "gap_under_2": (
        "胆红素接近需要治疗的水平，需要抽血复查。",
        "The bilirubin is close to the treatment level; a blood test is needed.",
        "距光疗阈值 {photo_mg} mg/dL 仅 {gap_mg} mg/dL（{gap_umol} µmol/L）：{window} 小时内查 "
        "TSB。（AAP 2022）",
        "Δ {gap_mg} mg/dL ({gap_umol} µmol/L) below phototherapy threshold {photo_mg} mg/dL: "
        "TSB in {window} h. (AAP 2022)",
    ),
    "gap_2_to_3_4": (
        "胆红素偏高，请按时复测。",
        "The bilirubin is raised; measure again on time.",
        "距光疗阈值 {photo_mg} mg/dL {gap_mg} mg/dL：{window} 小时内复查 TcB 或 TSB。（AAP 2022）",
        "Δ {gap_mg} mg/dL below phototherapy threshold {photo_mg} mg/dL: TcB or TSB in {window} "
        "h. (AAP 2022)",
    ),
    "gap_3_5_to_5_4": (
        "胆红素在安全范围内，1–2 天后复测。",
        "The bilirubin is in a safe range; measure again in 1–2 days.",
        "距光疗阈值 {photo_mg} mg/dL {gap_mg} mg/dL：1–2 天内复查 TcB 或 TSB。（AAP 2022）",
        "Δ {gap_mg} mg/dL below phototherapy threshold {photo_mg} mg/dL: TcB or TSB in 1–2 days. "
        "(AAP 2022)",
    ),
    "gap_5_5_to_6_9": (
        "胆红素在安全范围内，2 天内随访。",
        "The bilirubin is in a safe range; follow up within 2 days.",
        "距光疗阈值 {photo_mg} mg/dL {gap_mg} mg/dL，< 72 小时：2 天内随访。（AAP 2022）",
        "Δ {gap_mg} mg/dL below phototherapy threshold {photo_mg} mg/dL, < 72 h: follow-up within "
        "2 days. (AAP 2022)",
    ),
    "gap_7_or_more": (
        "胆红素远低于治疗水平，3 天内随访。",
        "The bilirubin is well below the treatment level; follow up within 3 days.",
        "距光疗阈值 {photo_mg} mg/dL {gap_mg} mg/dL，< 72 小时：3 天内随访。（AAP 2022）",
        "Δ {gap_mg} mg/dL below phototherapy threshold {photo_mg} mg/dL, < 72 h: follow-up within "
        "3 days. (AAP 2022)",
    ),
    "gap_wide_after_72h": (
        "胆红素远低于治疗水平。如宝宝仍明显发黄，请咨询医生。",
        "The bilirubin is well below the treatment level. If your baby still looks very yellow, "
        "ask your doctor.",
        "距光疗阈值 {photo_mg} mg/dL {gap_mg} mg/dL，≥ 72 小时：是否随访由临床判断。（AAP 2022）",
        "Δ {gap_mg} mg/dL below phototherapy threshold {photo_mg} mg/dL at ≥ 72 h: follow-up by "
        "clinical judgement. (AAP 2022)",
    ),
    "outside_guideline_below_35_weeks": (
        "宝宝是早产儿，需要医生亲自评估。",
        "Your baby was born early and needs a doctor's assessment.",
        "胎龄 < 35 周：AAP 2022 无适用阈值，需临床评估。参考下限：35 周伴神经毒性风险的光疗阈值 "
        "{bound_mg} mg/dL。",
        "Gestational age < 35 weeks: no AAP 2022 threshold applies; clinician review. Lower bound "
        "used: 35-week with-risk phototherapy threshold {bound_mg} mg/dL.",
    ),
    "outside_guideline_gestational_age_missing": (
        "缺少宝宝的胎龄信息，需要医生评估。",
        "Your baby's gestational age is missing; a doctor needs to assess.",
        "胎龄缺失：无法选择 AAP 2022 阈值，需临床评估并补录胎龄。参考下限：{bound_mg} mg/dL。",
        "Gestational age missing: no AAP 2022 threshold can be chosen; clinician review, record "
        "the gestational age. Lower bound used: {bound_mg} mg/dL.",
    ),
    "outside_guideline_birth_time_missing": (
        "缺少宝宝的出生时间，需要医生评估。",
        "Your baby's birth time is missing; a doctor needs to assess.",
        "出生时间缺失：无法计算小时龄，需临床评估。",
        "Birth time missing: age in hours unknown; clinician review.",
    ),
    "outside_guideline_measured_before_birth": (
        "测量时间有误，请检查。",
        "The measurement time looks wrong; please check it.",
        "测量时间早于出生时间：需核对。",
        "Measured before birth: check the times.",
    ),
    "outside_guideline_beyond_neonatal_period": (
        "宝宝已超过新生儿期，请咨询医生。",
        "Your baby is past the newborn period; ask your doctor.",
        "超过 28 天：AAP 2022 阈值不适用，需临床评估。",
        "Beyond 28 days: AAP 2022 thresholds do not apply; clinician review.",
    ),
    "no_reading": (
        "还没有胆红素测量值，请测量一次。",
        "There is no bilirubin measurement yet; please measure.",
        "尚无胆红素测量值：仅依据观察评估。",
        "No bilirubin reading yet: assessed on observations only.",
    ),
    "outside_guideline": (
        "需要医生评估。",
        "A doctor needs to assess.",
        "指南不适用，需临床评估。",
        "Guideline does not apply: clinician review.",
    ),
    "neurotoxicity_risk_not_assessed": (
        "医生会核实宝宝的其他风险因素。",
        "Your doctor will check your baby's other risk factors.",
        "神经毒性风险因素未评估：已按“有风险”较低阈值计算，请核实。",
        "Neurotoxicity risk factors not assessed: the lower with-risk thresholds were used; please "
        "confirm.",
    ),
    "first_24_hours": (
        "出生 24 小时内出现黄疸需要尽快抽血检查。",
        "Jaundice in the first 24 hours needs a blood test within hours.",
        "出生 24 小时内（{age_h} 小时）：数小时内急查 TSB。",
        "Within the first 24 hours ({age_h} h): measure TSB urgently, within hours.",
    ),
    "rapid_rise": (
        "胆红素上升很快，需要医生检查原因。",
        "The bilirubin is rising fast; a doctor needs to find out why.",
        "上升速度 {rate} mg/dL/h（{over_h} 小时内），≥ {limit} mg/dL/h：疑溶血，查 TSB 及溶血相关检查。",
        "Rate of rise {rate} mg/dL/h over {over_h} h, ≥ {limit} mg/dL/h: suspect haemolysis; TSB "
        "and haemolysis work-up.",
    ),
    "confirm_with_tsb": (
        "家用仪器读数偏高，需要抽血确认。",
        "The meter reading is high; a blood test must confirm it.",
        "经皮值 {value_mg} mg/dL：≥ 15 mg/dL 或距光疗阈值 3 mg/dL 以内，需 TSB 确认。",
        "TcB {value_mg} mg/dL: at or above 15 mg/dL or within 3 mg/dL of the phototherapy "
        "threshold; confirm with TSB.",
    ),
    "visual_estimate": (
        "肉眼观察不能代替测量，请用仪器或抽血测量。",
        "Looking at the skin is not a measurement; please measure with a meter or a blood test.",
        "目测估计不是测量值：请测 TcB 或 TSB。",
        "Visual estimate is not a measurement: measure TcB or TSB.",
    ),
    "photo_estimate": (
        "照片估计黄疸不高（照片只能筛查，不能代替测量）。",
        "The photo suggests the jaundice is not high (a photo screens; it is not a measurement).",
        "照片估计 {photo_est} mg/dL（范围 {photo_low}–{photo_high}），{photo_age_h} 小时；光疗阈值 "
        "{photo_th_mg} mg/dL。仅为筛查，非测量值。",
        "Photo estimate {photo_est} mg/dL (range {photo_low}–{photo_high}) at {photo_age_h} h; "
        "phototherapy threshold {photo_th_mg} mg/dL. Screening only, not a measurement.",
    ),
    "photo_estimate_uncertain": (
        "照片不能排除黄疸偏高，请在 {window} 小时内用仪器或抽血测量一次。",
        "The photo cannot rule out high jaundice: measure with a meter or a blood test within "
        "{window} hours.",
        "照片估计 {photo_est} mg/dL（范围上限 {photo_high}），{photo_age_h} 小时：上限在光疗阈值 "
        "{photo_th_mg} mg/dL 的 3 mg/dL 以内或 ≥ 15 mg/dL。请在 {window} 小时内测 TcB 或 TSB。"
        "照片估计，非测量值。",
        "Photo estimate {photo_est} mg/dL (upper end {photo_high}) at {photo_age_h} h: the upper "
        "end is within 3 mg/dL of the phototherapy threshold {photo_th_mg} mg/dL or ≥ 15 mg/dL. "
        "TcB or TSB within {window} h. Photo estimate, not a measurement.",
    ),
    "photo_estimate_high": (
        "照片显示黄疸可能偏高，请在 {window} 小时内用仪器或抽血测量，并联系社区医生。",
        "The photo suggests the jaundice may be high: measure with a meter or a blood test within "
        "{window} hours and contact your community doctor.",
        "照片估计 {photo_est} mg/dL（范围 {photo_low}–{photo_high}），{photo_age_h} 小时：在光疗阈值 "
        "{photo_th_mg} mg/dL 的 3 mg/dL 以内或 ≥ 15 mg/dL。请安排 {window} 小时内测 TcB 或 TSB。"
        "照片估计，非测量值。",
        "Photo estimate {photo_est} mg/dL (range {photo_low}–{photo_high}) at {photo_age_h} h: "
        "within 3 mg/dL of the phototherapy threshold {photo_th_mg} mg/dL or ≥ 15 mg/dL. Arrange "
        "TcB or TSB within {window} h. Photo estimate, not a measurement.",
    ),
    "photo_estimate_outside_guideline": (
        "请在 {window} 小时内用仪器或抽血测量，并联系社区医生。",
        "Measure with a meter or a blood test within {window} hours and contact your community "
        "doctor.",
        "照片估计 {photo_est} mg/dL（范围 {photo_low}–{photo_high}），{photo_age_h} 小时：AAP 2022 "
        "不适用，无阈值可比。需医生评估，{window} 小时内测 TcB 或 TSB。照片估计，非测量值。",
        "Photo estimate {photo_est} mg/dL (range {photo_low}–{photo_high}) at {photo_age_h} h: "
        "AAP 2022 does not apply, no threshold to compare with. Doctor review; TcB or TSB within "
        "{window} h. Photo estimate, not a measurement.",
    ),
    "pale_stool": (
        "大便颜色偏浅，可能是肝胆问题，请今天联系医生。",
        "Pale stools can mean a liver problem. Contact your doctor today.",
        "浅色大便：疑胆道闭锁，数日内转诊（手术宜在约 60 天前）。",
        "Pale stools: possible biliary atresia; refer within days (surgery before about 60 days).",
    ),
    "encephalopathy_signs": (
        "宝宝吃奶差、嗜睡、尖声哭叫或身体后仰是危险信号，请立即去医院。",
        "Poor feeding, sleepiness, a high-pitched cry or arching are danger signs. Go to hospital "
        "now.",
        "报告体征：{signs}。可能为急性胆红素脑病：无论数值均为急症。",
        "Reported signs: {signs}. Possible acute bilirubin encephalopathy: an emergency whatever "
        "the number.",
    ),
    "weight_loss": (
        "宝宝体重下降较多，可能吃奶不够，请联系医生。",
        "Your baby has lost a lot of weight and may not be feeding enough. Contact your doctor.",
        "体重较出生下降 {loss}%（> 10%）：摄入不足。",
        "Weight {loss}% below birth weight (> 10%): suboptimal intake.",
    ),
    "prolonged_jaundice": (
        "黄疸持续时间较长，请联系医生做进一步检查。",
        "The jaundice has lasted a long time; contact your doctor for more tests.",
        "黄疸持续 ≥ {limit_days} 天：查总胆红素及直接（结合）胆红素。",
        "Jaundice at ≥ {limit_days} days: measure total and direct (conjugated) bilirubin.",
    ),
    "model_watch": (
        "根据宝宝近来的读数，黄疸可能继续升高，请在 {next_h} 小时内再测一次。",
        "From your baby's recent readings the jaundice may keep rising: measure again within {next_h} hours.",
        "风险模型：72 小时内达光疗阈值的概率 {probability}（≥ 观察线 {cut}），提前复测。主要因素：{drivers}。",
        "Risk model: {probability} probability of reaching the phototherapy threshold within 72 h (≥ watch line {cut}); repeat sooner. Mainly: {drivers}.",
    ),
    "model_review": (
        "根据宝宝近来的读数，几天内可能需要治疗，请今天联系社区医生。",
        "From your baby's recent readings treatment may be needed in the next few days: contact your community doctor today.",
        "风险模型：72 小时内达光疗阈值的概率 {probability}（≥ {cut}），今日需医生评估。主要因素：{drivers}。",
        "Risk model: {probability} probability of reaching the phototherapy threshold within 72 h (≥ {cut}); doctor review today. Mainly: {drivers}.",
    ),
}

# What pushed the model's probability up, one phrase per feature group (clinician-facing).
# Placeholders are the row's feature values, preformatted.
DRIVER_TEXTS: dict[str, tuple[str, str]] = {
    "level": (
        "距光疗阈值 {gap} mg/dL（列线图位置 z={z}）",
        "{gap} mg/dL below the phototherapy threshold (nomogram z={z})",
    ),
    "rise": ("上升 {rise} mg/dL/h（间隔 {since} h）", "rising {rise} mg/dL/h over {since} h"),
    "age": ("日龄 {age} 小时", "age {age} h"),
    "gestation": ("胎龄 {ga} 周、出生体重 {bw} g", "gestation {ga} weeks, birth weight {bw} g"),
    "haemolysis": (
        "溶血风险（G6PD 缺乏或同族免疫）",
        "haemolysis risk (G6PD deficiency or isoimmune)",
    ),
    "family": ("父母或兄姐曾需光疗", "a parent or sibling needed phototherapy"),
    "intake": ("喂养（纯母乳或摄入不足）", "feeding (exclusive breastfeeding or poor intake)"),
    "weight_loss": ("体重下降 {loss}%", "weight loss {loss}%"),
    "bruising": ("头皮血肿或明显瘀伤", "scalp haematoma or bruising"),
    "method": ("测量方法", "measurement method"),
    "photo": ("照片估计 {photo} mg/dL", "photo estimate {photo} mg/dL"),
}

METHOD_NAMES = {"tcb": "TcB", "tsb": "TSB", "visual": "visual"}


def _fmt_mg(value) -> str:
    return "?" if value is None else f"{value:.1f}"


def _context(ctx: dict) -> dict:
    window = ctx.get("next_measurement_hours")
    values = {
        "method": METHOD_NAMES.get(ctx.get("method"), "?"),
        "value_mg": _fmt_mg(ctx.get("value_mg_dl")),
        "value_umol": ctx.get("value_umol_l", "?"),
        "age_h": _fmt_mg(ctx.get("age_hours")),
        "photo_mg": _fmt_mg(ctx.get("phototherapy_mg_dl")),
        "esc_mg": _fmt_mg(ctx.get("escalation_mg_dl")),
        "exch_mg": _fmt_mg(ctx.get("exchange_mg_dl")),
        "gap_mg": _fmt_mg(ctx.get("gap_mg_dl")),
        "gap_umol": ctx.get("gap_umol_l", "?"),
        "bound_mg": _fmt_mg(ctx.get("bound_phototherapy_mg_dl")),
        "next_h": "?" if window is None else f"{window:g}",
        "window": ctx.get("window", "?"),
        "rate": ctx.get("rapid_rise_rate_mg_dl_per_hour", "?"),
        "limit": ctx.get("rapid_rise_limit_mg_dl_per_hour", "?"),
        "over_h": ctx.get("rapid_rise_over_hours", "?"),
        "loss": ctx.get("weight_loss_loss_percent", "?"),
        "limit_days": ctx.get("prolonged_jaundice_limit_days", "?"),
        "signs": ", ".join(ctx.get("encephalopathy_signs_signs", [])),
        "photo_est": _fmt_mg(ctx.get("photo_estimate_mg_dl")),
        "photo_low": _fmt_mg(ctx.get("photo_low_mg_dl")),
        "photo_high": _fmt_mg(ctx.get("photo_high_mg_dl")),
        "photo_age_h": _fmt_mg(ctx.get("photo_age_hours")),
        "photo_th_mg": _fmt_mg(ctx.get("photo_phototherapy_mg_dl")),
        "probability": ctx.get("model_probability_text", "?"),
        "cut": ctx.get("model_cut_text", "?"),
        "drivers": ctx.get("model_drivers_text", {}),
    }
    return defaultdict(lambda: "?", values)


def reason(code: str, ctx: dict) -> dict:
    parent_zh, parent_en, doctor_zh, doctor_en = TEXTS[code]
    values = _context(ctx)
    drivers = values["drivers"]
    zh, en = dict(values), dict(values)
    if isinstance(drivers, dict):  # per-language text of the model's drivers
        zh["drivers"], en["drivers"] = drivers.get("zh-hans", "?"), drivers.get("en", "?")
    zh, en = defaultdict(lambda: "?", zh), defaultdict(lambda: "?", en)
    return {
        "code": code,
        "parent": {"zh-hans": parent_zh.format_map(zh), "en": parent_en.format_map(en)},
        "clinician": {"zh-hans": doctor_zh.format_map(zh), "en": doctor_en.format_map(en)},
    }


def driver_text(group: str, values: dict) -> dict:
    """One driver of the model's probability in both languages, from the row's values."""
    zh, en = DRIVER_TEXTS[group]
    filled = defaultdict(lambda: "?", values)
    return {"zh-hans": zh.format_map(filled), "en": en.format_map(filled)}
