"""What an assessment says, in Simplified Chinese and English: plain words for a parent, precise
numbers for a doctor. `explain()` writes the reasons and the one parent message of an assessment.

Rules every text keeps (a property test checks them over generated assessments):
- no placeholder can stay unfilled: a missing value raises, it is never printed as "?";
- clinician texts give bilirubin in both units, µmol/L first in Chinese (Chinese labs and meters
  report µmol/L), from the numbers the decision was made on (`risk_model.units`);
- a visual or photo value is always called an estimate, never a measurement (GLOSSARY.md);
- parent texts name no hours: the message gives the time to measure by, counted from now.
"""

from decimal import Decimal

from risk_model.units import mg_dl_shown, threshold_umol_l_shown, to_mg_dl

LANGUAGES = ("zh-hans", "en")
ZH, EN = LANGUAGES

# code → (parent zh, parent en, clinician zh, clinician en).
TEXTS: dict[str, tuple[str, str, str, str]] = {
    # The action: the first sentence of every assessment.
    "action_routine": (
        "目前无需就医。",
        "No visit is needed now.",
        "常规随访。",
        "Routine follow-up.",
    ),
    "action_repeat_sooner": (
        "请提前复测胆红素。",
        "Measure the bilirubin again sooner than usual.",
        "提前复测。",
        "Repeat measurement sooner.",
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
        "急症：立即送医。",
        "Emergency: to hospital now.",
    ),
    # The measurement in force against the thresholds (AAP 2022; DOMAIN.md follow-up table).
    "at_or_above_escalation": (
        "胆红素已经很高，需要立即治疗。",
        "The bilirubin is very high and needs treatment now.",
        "{method} {value}，{age} 小时：≥ 升级治疗阈值 {escalation}（换血阈值 {exchange}；{source}）。"
        "强化光疗、急查血、准备换血治疗。",
        "{method} {value} at {age} h: at or above escalation of care {escalation} (exchange "
        "{exchange}; {source}). Intensive phototherapy, urgent labs, prepare for exchange "
        "transfusion.",
    ),
    "at_or_above_phototherapy": (
        "胆红素已达到需要光疗的水平。",
        "The bilirubin has reached the level that needs light treatment (phototherapy).",
        "{method} {value}，{age} 小时：≥ 光疗阈值 {threshold}（{source}）。需光疗：紧急转诊。",
        "{method} {value} at {age} h: at or above the phototherapy threshold {threshold} "
        "({source}). Phototherapy indicated: urgent referral.",
    ),
    "gap_under_2": (
        "胆红素接近需要治疗的水平，需要抽血查血清总胆红素。",
        "The bilirubin is close to the treatment level; a blood test (serum bilirubin) is needed.",
        "{method} {value}，{age} 小时：距光疗阈值 {threshold} 仅差 {gap}，{window} 小时内查 TSB。"
        "（{source}）",
        "{method} {value} at {age} h: Δ {gap} below the phototherapy threshold {threshold}; TSB "
        "within {window} h. ({source})",
    ),
    "gap_2_to_3_4": (
        "胆红素偏高，需要提前复测。",
        "The bilirubin is raised and needs measuring again sooner.",
        "{method} {value}，{age} 小时：距光疗阈值 {threshold} 差 {gap}，{window} 小时内复查 TcB 或 "
        "TSB。（{source}）",
        "{method} {value} at {age} h: Δ {gap} below the phototherapy threshold {threshold}; TcB or "
        "TSB within {window} h. ({source})",
    ),
    "gap_3_5_to_5_4": (
        "胆红素低于需要治疗的水平，仍需按时复测。",
        "The bilirubin is below the treatment level; keep measuring on time.",
        "{method} {value}，{age} 小时：距光疗阈值 {threshold} 差 {gap}，1–2 天内复查 TcB 或 TSB。"
        "（{source}）",
        "{method} {value} at {age} h: Δ {gap} below the phototherapy threshold {threshold}; TcB or "
        "TSB in 1–2 days. ({source})",
    ),
    "gap_5_5_to_6_9": (
        "胆红素低于需要治疗的水平，仍需按时复测。",
        "The bilirubin is below the treatment level; keep measuring on time.",
        "{method} {value}，{age} 小时：距光疗阈值 {threshold} 差 {gap}，< 72 小时：2 天内随访{cap}。"
        "（{source}）",
        "{method} {value} at {age} h: Δ {gap} below the phototherapy threshold {threshold}, "
        "< 72 h: follow-up within 2 days{cap}. ({source})",
    ),
    "gap_7_or_more": (
        "胆红素远低于需要治疗的水平，仍需按时复测。",
        "The bilirubin is well below the treatment level; keep measuring on time.",
        "{method} {value}，{age} 小时：距光疗阈值 {threshold} 差 {gap}，< 72 小时：3 天内随访{cap}。"
        "（{source}）",
        "{method} {value} at {age} h: Δ {gap} below the phototherapy threshold {threshold}, "
        "< 72 h: follow-up within 3 days{cap}. ({source})",
    ),
    "gap_wide_after_72h": (
        "胆红素远低于需要治疗的水平，仍需按时复测，直到黄疸消退。",
        "The bilirubin is well below the treatment level; keep measuring on time until the "
        "jaundice fades.",
        "{method} {value}，{age} 小时：距光疗阈值 {threshold} 差 {gap}，≥ 72 小时：AAP 2022 "
        "交由临床判断。本项目政策：{window} 小时内复测，直至连续 {falls} 次下降或满 {end_day} 天。",
        "{method} {value} at {age} h: Δ {gap} below the phototherapy threshold {threshold} at "
        "≥ 72 h: AAP 2022 leaves follow-up to clinical judgement. Programme policy: measure within "
        "{window} h until {falls} successive falls or day {end_day}.",
    ),
    "still_rising_after_end_day": (
        "胆红素虽远低于需要治疗的水平，但仍在上升，请按时复测。",
        "The bilirubin is well below the treatment level but still rising; keep measuring on time.",
        "{method} {value}，{age} 小时：距光疗阈值 {threshold} 差 {gap}，已满 {end_day} 天但仍在上升："
        "本项目政策：不在上升时停止监测，{window} 小时内复测。",
        "{method} {value} at {age} h: Δ {gap} below the phototherapy threshold {threshold}; day "
        "{end_day} reached but still rising. Programme policy: monitoring never ends on a rise; "
        "measure within {window} h.",
    ),
    "monitoring_ends": (
        "{ended_parent}",
        "{ended_parent}",
        "{method} {value}，{age} 小时：距光疗阈值 {threshold} 差 {gap}，{ended_by}。本项目政策："
        "停止常规监测，满 {limit_days} 天时复查是否为迁延性黄疸。",
        "{method} {value} at {age} h: Δ {gap} below the phototherapy threshold {threshold}, "
        "{ended_by}. Programme policy: routine monitoring ends; check for prolonged jaundice at "
        "{limit_days} days.",
    ),
    "phototherapy_unclosed": (
        "医院尚未记录光疗结束的时间，已请医院补记。",
        "The hospital has not yet recorded when phototherapy stopped; it has been asked to.",
        "{started} 小时开始的光疗没有记录结束时间：自 {stopped} 小时起按光疗已结束评估（家中读数或超过本项目政策的最长疗程）；请医院记录光疗结束时间。",
        "Phototherapy started at {started} h has no recorded end: assessed as stopped from "
        "{stopped} h (a home reading, or the programme's longest course passed); the hospital is "
        "asked to record when it stopped.",
    ),
    "after_hospital_visit": (
        "医院已为宝宝检查，请在家里继续按时测量胆红素。",
        "The hospital has seen your baby; keep measuring the bilirubin at home on time.",
        "{since} 小时医院接诊后出院（未光疗），此后尚无 TcB 或 TSB{measure_within}",
        "Sent home by the hospital at {since} h (no phototherapy); no TcB or TSB since."
        "{measure_within}",
    ),
    "no_reading": (
        "还没有仪器或抽血测得的胆红素值，请测量一次。",
        "There is no meter or blood-test bilirubin value yet; please measure once.",
        "尚无 TcB 或 TSB 测量值{measure_within}",
        "No TcB or TSB yet.{measure_within}",
    ),
    "under_phototherapy": (
        "宝宝正在医院接受光疗。",
        "Your baby is having phototherapy in hospital.",
        "光疗中（{started} 小时开始）：由治疗团队决定复查时间。",
        "Under phototherapy (started at {started} h): the treating team decides the next "
        "measurement.",
    ),
    "after_phototherapy_check": (
        "光疗已结束，需要复测，检查有无光疗后反弹。",
        "Phototherapy has finished; a measurement is needed to check for rebound.",
        "光疗于 {stopped} 小时停止；{rebound}：停光疗后 {window} 小时内复测（光疗后反弹）。",
        "Phototherapy stopped at {stopped} h; {rebound}: measure {window} h after stopping "
        "(rebound).",
    ),
    "after_phototherapy_next_day": (
        "光疗结束后的第二天还需要再测一次。",
        "One more measurement is needed the day after phototherapy ended.",
        "光疗后第二天复测（停光疗后 {window} 小时）。",
        "Measure again the day after phototherapy (at {window} h after stopping).",
    ),
    # Outside the guideline: what is missing, then the bound used for urgency.
    "outside_guideline_below_35_weeks": (
        "宝宝是早产儿，需要医生亲自评估。",
        "Your baby was born early and needs a doctor's assessment.",
        "胎龄 < 35 周：AAP 2022 无适用阈值，需临床评估；医生可为该婴儿设定阈值{measure_within}",
        "Gestational age < 35 weeks: no AAP 2022 threshold applies; clinician review, and a "
        "clinician may set this infant's thresholds.{measure_within}",
    ),
    "outside_guideline_gestational_age_missing": (
        "缺少宝宝的胎龄信息，需要医生评估。",
        "Your baby's gestational age is missing; a doctor needs to assess.",
        "胎龄缺失：无法选择 AAP 2022 阈值，需临床评估并补录胎龄{measure_within}",
        "Gestational age missing: no AAP 2022 threshold can be chosen; clinician review, record "
        "the gestational age.{measure_within}",
    ),
    "outside_guideline_birth_time_missing": (
        "缺少宝宝的出生时间，需要医生评估。",
        "Your baby's birth time is missing; a doctor needs to assess.",
        "出生时间缺失：无法计算小时龄，需临床评估并补录出生时间{measure_within}",
        "Birth time missing: age in hours unknown; clinician review, record the birth time."
        "{measure_within}",
    ),
    "outside_guideline_measured_before_birth": (
        "测量时间有误，需要医生核对。",
        "The measurement time looks wrong; a doctor will check it.",
        "测量时间早于出生时间：需核对。",
        "Measured before birth: check the times.",
    ),
    "outside_guideline_beyond_neonatal_period": (
        "宝宝已超过新生儿期，需要医生评估。",
        "Your baby is past the newborn period; a doctor needs to assess.",
        "超过 28 天：AAP 2022 阈值不适用，需临床评估。",
        "Beyond 28 days: AAP 2022 thresholds do not apply; clinician review.",
    ),
    "bound_below": (
        "医生会根据宝宝的情况决定下一步。",
        "The doctor will decide the next step for your baby.",
        "仅供比较，并非该婴儿的阈值：{method} {value} 低于{bound_what} {bound}。",
        "For comparison only, not this infant's threshold: {method} {value} is below {bound_what}, "
        "{bound}.",
    ),
    "bound_phototherapy": (
        "胆红素已经偏高，需要医院检查。",
        "The bilirubin is already high and needs a hospital check.",
        "{method} {value} ≥ {bound_what} {bound}：已高于该婴儿可能的任何光疗阈值，紧急转诊。",
        "{method} {value} is at or above {bound_what}, {bound}: above any phototherapy threshold "
        "this infant could have; urgent referral.",
    ),
    "bound_escalation": (
        "胆红素已经很高，需要立即治疗。",
        "The bilirubin is very high and needs treatment now.",
        "{method} {value} ≥ {bound_what_escalation} {bound_escalation}：急症。",
        "{method} {value} is at or above {bound_what_escalation}, {bound_escalation}: emergency.",
    ),
    "clinician_thresholds": (
        "医生已为宝宝设定了个人的治疗阈值。",
        "A doctor has set treatment thresholds for your baby.",
        "AAP 2022 不适用：使用临床医生为该婴儿设定的阈值（光疗 {threshold}{exchange_part}）；"
        "差值分级沿用 AAP 2022 随访表（本项目政策）。",
        "AAP 2022 does not apply: thresholds set by a clinician for this infant are used "
        "(phototherapy {threshold}{exchange_part}); the gap bands of the AAP 2022 follow-up table "
        "apply to them (programme policy).",
    ),
    # Signals: each may raise the action or bring the next measurement forward.
    "neurotoxicity_risk_not_assessed": (
        "医生会核实宝宝的其他危险因素。",
        "Your doctor will check your baby's other risk factors.",
        "神经毒性危险因素未评估：已按“有危险因素”的较低阈值计算，请核实。",
        "Neurotoxicity risk factors not assessed: the lower with-risk thresholds were used; please "
        "confirm.",
    ),
    "first_24_hours": (
        "{first_day_parent}",
        "{first_day_parent}",
        "出生 24 小时内（{age} 小时）发现黄疸：{first_day_ask}",
        "Jaundice within the first 24 hours ({age} h): {first_day_ask}",
    ),
    "hospital_visit_pending": (
        "宝宝之前已被转诊到医院，医院尚未记录就诊。",
        "Your baby was referred to hospital earlier, and the hospital has not yet recorded "
        "seeing the baby.",
        "自 {since} 小时起已转诊或有紧急预警，医院尚未接诊：在医院接诊或临床医生结案前仍按紧急转诊处理。",
        "Referred (or an urgent alert open) since {since} h and not yet received by a hospital: "
        "treated as an urgent referral until the hospital receives the infant or a clinician "
        "closes it.",
    ),
    "rapid_rise": (
        "胆红素上升很快，需要医生检查原因。",
        "The bilirubin is rising fast; a doctor needs to find out why.",
        "上升速度每小时 {rate}（{over} 小时内），≥ 每小时 {limit}：疑溶血，{window} 小时内查 TSB 及"
        "溶血相关检查。",
        "Rate of rise {rate} per hour over {over} h, at or above {limit} per hour: suspect "
        "haemolysis; TSB and haemolysis work-up within {window} h.",
    ),
    "confirm_with_tsb": (
        "经皮胆红素读数偏高，需要抽血确认（血清总胆红素）。",
        "The meter reading is high; a blood test (serum bilirubin) must confirm it.",
        "TcB {value}：TcB 达到 {tcb_limit} 或距光疗阈值 3 mg/dL（51 μmol/L）以内时须以 TSB 确认，{window} 小时内查 "
        "TSB。",
        "TcB {value}: a TcB at or above {tcb_limit}, or within 3 mg/dL (51 µmol/L) of the phototherapy "
        "threshold, must be confirmed by TSB; TSB within {window} h.",
    ),
    "tsb_advice_open": (
        "{tsb_parent}",
        "{tsb_parent}",
        "{tsb_age} 小时的 TSB {tsb_value}（{tsb_band}）要求的复查尚未完成：TcB 不能代替 TSB。",
        "The TSB of {tsb_value} at {tsb_age} h ({tsb_band}) asked for a follow-up that has not "
        "been done; a TcB does not answer it.",
    ),
    "value_needs_confirmation": (
        "这次的数值看起来不太可能（{why}），请重新测量一次；{until_confirmed}",
        "This value looks unlikely ({why}); please measure again. {until_confirmed}",
        "{method} {value}，{age} 小时：需确认（{why}），不据此降低处理级别{read_as}；{window} 小时内复测。",
        "{method} {value} at {age} h needs confirming ({why}); it lowers nothing{read_as}. "
        "Measure again within {window} h.",
    ),
    # The follow-up plan's requests still open (risk_model.guideline._request_signals).
    "request_tsb": (
        "之前要求的抽血检查（血清总胆红素）还没有做，家用仪器读数不能代替。",
        "The blood test (serum bilirubin) asked for earlier has not been done yet; a meter "
        "reading cannot replace it.",
        "{raised} 小时时要求的 TSB（{asked_for}）尚未完成：在有 TSB 结果或临床医生关闭该要求之前仍然有效。",
        "TSB asked for at {raised} h ({asked_for}) not yet done: it stands until a TSB is "
        "recorded or a clinician closes the request.",
    ),
    "value_unconfirmed": (
        "之前的数值 {value} 看起来不太可能（{why}），还没有复测确认或抽血核实。{until_settled}",
        "An earlier value, {value}, looked unlikely ({why}) and has not yet been confirmed by a "
        "repeat or settled by a blood test. {until_settled}",
        "{method} {value}，{age} 小时：需确认（{why}），尚未由同类复测确认或 TSB 核实；在此之前不据此降低处理级别。",
        "{method} {value} at {age} h still needs confirming ({why}): until a repeat of the same "
        "kind confirms it or a TSB settles it, it lowers nothing.",
    ),
    "estimate_at_or_above": (
        "{kind}很高，可能已达到需要治疗的水平{disclaimer}；医院会抽血确认。",
        "The {kind} is very high and may have reached the treatment level{disclaimer}; the "
        "hospital will confirm with a blood test.",
        "{estimate}，{age} 小时：≥ {line} {line_value}。估测值非测量值，但可能已达该水平：医院查 TSB。",
        "{estimate} at {age} h: at or above the {line} {line_value}. An estimate is not a "
        "measurement, but the level may have been reached: TSB at hospital.",
    ),
    "estimate_high": (
        "{kind}显示黄疸可能偏高{disclaimer}，需要用仪器或抽血测量一次。",
        "The {kind} suggests the jaundice may be high{disclaimer}; it needs a meter or blood-test "
        "measurement.",
        "{estimate}，{age} 小时：达到 15 mg/dL 或距光疗阈值 {threshold} 3 mg/dL（51 μmol/L）以内。{window} 小时内"
        "测 TcB 或 TSB。估测值，非测量值。",
        "{estimate} at {age} h: at 15 mg/dL or more, or within 3 mg/dL (51 µmol/L) of the phototherapy "
        "threshold {threshold}. TcB or TSB within {window} h. An estimate, not a measurement.",
    ),
    "estimate_uncertain": (
        "照片不能排除黄疸偏高（照片估测值仅供筛查，不是测量值），需要用仪器或抽血测量一次。",
        "The photo cannot rule out high jaundice (a photo estimate only screens; it is not a "
        "measurement); it needs a meter or blood-test measurement.",
        "{estimate}，{age} 小时：范围上限在光疗阈值 {threshold} 的 3 mg/dL（51 μmol/L）以内或 ≥ 15 mg/dL。"
        "{window} 小时内测 TcB 或 TSB。估测值，非测量值。",
        "{estimate} at {age} h: the upper end of the range is within 3 mg/dL (51 µmol/L) of the phototherapy "
        "threshold {threshold} or at or above 15 mg/dL. TcB or TSB within {window} h. An "
        "estimate, not a measurement.",
    ),
    "estimate_outside_guideline": (
        "需要用仪器或抽血测量一次，并由医生评估{disclaimer}。",
        "A meter or blood-test measurement is needed, and a doctor's assessment{disclaimer}.",
        "{estimate}，{age} 小时：AAP 2022 不适用，无阈值可比。需医生评估，{window} 小时内测 TcB 或 "
        "TSB。估测值，非测量值。",
        "{estimate} at {age} h: AAP 2022 does not apply, no threshold to compare with. Doctor "
        "review; TcB or TSB within {window} h. An estimate, not a measurement.",
    ),
    "visual_estimate": (
        "肉眼估计不是测量值，请用仪器或抽血测量一次。",
        "A visual estimate is not a measurement; please measure with a meter or a blood test.",
        "{estimate}，{age} 小时：非测量值，不作为判断依据；{window} 小时内测 TcB 或 TSB。",
        "{estimate} at {age} h: not a measurement, nothing is decided on it; TcB or TSB within "
        "{window} h.",
    ),
    "photo_estimate": (
        "照片估测值不高（照片估测值仅供筛查，不是测量值），请按原计划测量。",
        "The photo estimate is not high (a photo estimate only screens; it is not a "
        "measurement); measure as planned.",
        "{estimate}，{age} 小时；光疗阈值 {threshold}。仅供筛查，非测量值，不据此降低或推迟任何安排。",
        "{estimate} at {age} h; phototherapy threshold {threshold}. Screening only, not a "
        "measurement; it lowers or delays nothing.",
    ),
    "pale_stool": (
        "宝宝大便颜色变浅（发白），可能是肝胆问题，请今天联系医生。",
        "Pale (whitish) stools can mean a liver problem. Contact your doctor today.",
        "{age} 小时报告大便颜色变浅：疑胆道闭锁，数日内转诊（手术宜在约 60 天前）。",
        "Pale stools reported at {age} h: possible biliary atresia; refer within days (surgery "
        "before about 60 days).",
    ),
    "reported_emergency": (
        "宝宝抽搐（惊厥）或嘴唇、脸色发紫（青紫）是急症，请立即拨打 120，或马上去最近的医院急诊，不要等待。",
        "Seizures (fits) or blue lips or face are an emergency: call 120 now, or go to the "
        "nearest emergency department at once. Do not wait.",
        "{age} 小时报告：{signs}。本项目政策列为急症。",
        "Reported at {age} h: {signs}. An emergency by programme policy.",
    ),
    "reported_sign_review": (
        "您报告的情况需要医生尽快评估，请今天联系社区医生；宝宝情况变差请立即去医院急诊或拨打 120。",
        "What you reported needs a doctor soon: contact your community doctor today; if your "
        "baby gets worse, go to the emergency department now or call 120.",
        "{age} 小时报告：{signs}。本项目政策未列为急症：请医生评估。",
        "Reported at {age} h: {signs}. Not an emergency under the programme's policy: a doctor "
        "reviews.",
    ),
    "dark_urine": (
        "宝宝尿色很深（像浓茶），可能是肝胆问题，请今天联系医生。",
        "Dark urine (like strong tea) can mean a liver problem. Contact your doctor today.",
        "{age} 小时报告尿色深：疑胆道闭锁，数日内转诊（查直接胆红素）。",
        "Dark urine reported at {age} h: possible biliary atresia; refer within days (direct "
        "bilirubin).",
    ),
    "encephalopathy_signs": (
        "宝宝吃奶差、嗜睡难以唤醒、尖声哭叫或颈部、背部后仰是危险征象，请立即去医院急诊；情况危急请拨打 120。",
        "Poor feeding, being very sleepy or hard to wake, a high-pitched cry or arching are "
        "danger signs. Go to a hospital emergency department now; if your baby is very unwell, "
        "call 120.",
        "{age} 小时报告：{signs}。可能为急性胆红素脑病：无论数值均为急症。",
        "Reported at {age} h: {signs}. Possible acute bilirubin encephalopathy: an emergency "
        "whatever the number.",
    ),
    "weight_loss": (
        "宝宝体重下降较多，可能吃奶不够，请联系医生。",
        "Your baby has lost a lot of weight and may not be feeding enough. Contact your doctor.",
        "体重较出生体重下降 {loss}%（> 10%）：摄入不足；{window} 小时内复测胆红素，评估喂养。",
        "Weight {loss}% below birth weight (> 10%): suboptimal intake; bilirubin within {window} "
        "h, feeding assessed.",
    ),
    "prolonged_jaundice": (
        "黄疸持续时间较长，请联系医生做进一步检查。",
        "The jaundice has lasted a long time; contact your doctor for more tests.",
        "满 {limit_days} 天仍有黄疸（迁延性黄疸）：查总胆红素及直接（结合）胆红素。",
        "Jaundice at {limit_days} days or more (prolonged jaundice): measure total and direct "
        "(conjugated) bilirubin.",
    ),
    # The risk model beside the guideline (risk_model/serving.py): raise-only.
    "model_watch": (
        "根据宝宝近来的读数，黄疸可能继续升高，需要提前复测。",
        "From your baby's recent readings the jaundice may keep rising; it needs measuring "
        "again sooner.",
        "风险模型：72 小时内血清胆红素达光疗阈值的概率 {probability}（≥ 观察线 {cut}），{window} 小时内"
        "复测。主要因素：{drivers}。（模型以模拟数据训练，尚未经临床验证）",
        "Risk model: {probability} probability that the serum bilirubin reaches the phototherapy "
        "threshold within 72 h (at or above the watch line {cut}); measure within {window} h. "
        "Mainly: {drivers}. (Trained on simulated data; not yet clinically validated.)",
    ),
    "model_review": (
        "根据宝宝近来的读数，几天内可能需要治疗，请今天联系社区医生。",
        "From your baby's recent readings treatment may be needed in the next few days: contact "
        "your community doctor today.",
        "风险模型：72 小时内血清胆红素达光疗阈值的概率 {probability}（≥ {cut}），今日需医生评估，"
        "{window} 小时内复测。主要因素：{drivers}。（模型以模拟数据训练，尚未经临床验证）",
        "Risk model: {probability} probability that the serum bilirubin reaches the phototherapy "
        "threshold within 72 h (at or above {cut}); doctor review today, measure within {window} h. "
        "Mainly: {drivers}. (Trained on simulated data; not yet clinically validated.)",
    ),
}

# What pushed the model's probability up, one phrase per feature group (clinician-facing).
DRIVER_TEXTS: dict[str, tuple[str, str]] = {
    "level": (
        "距光疗阈值 {gap}（列线图位置 z={z}）",
        "{gap} below the phototherapy threshold (nomogram z={z})",
    ),
    "rise": ("每小时上升 {rise}（间隔 {since} 小时）", "rising {rise} per hour over {since} h"),
    "age": ("出生后 {age} 小时", "age {age} h"),
    "gestation": ("胎龄 {ga} 周、出生体重 {bw} g", "gestation {ga} weeks, birth weight {bw} g"),
    "haemolysis": (
        "溶血风险（G6PD 缺乏症或同族免疫性溶血病）",
        "haemolysis risk (G6PD deficiency or isoimmune)",
    ),
    "family": ("父母或兄姐曾需光疗", "a parent or sibling needed phototherapy"),
    "intake": ("喂养（纯母乳喂养或摄入不足）", "feeding (exclusive breastfeeding or poor intake)"),
    "weight_loss": ("较出生体重下降 {loss}%", "weight loss {loss}%"),
    "bruising": ("头皮血肿或明显瘀伤", "scalp haematoma or bruising"),
    "method": ("测量方法（{method}）", "measurement method ({method})"),
    "photo": ("照片估测值 {photo}", "photo estimate {photo}"),
}

METHOD_NAMES = {
    ZH: {
        "tcb": "经皮胆红素（TcB）",
        "tsb": "血清总胆红素（TSB）",
        "visual": "肉眼估计",
        "photo": "照片估测值",
    },
    EN: {"tcb": "TcB", "tsb": "TSB", "visual": "visual estimate", "photo": "photo estimate"},
}
SIGN_NAMES = {
    ZH: {
        "poor_feeding": "吃奶差",
        "lethargy": "嗜睡、难以唤醒",
        "high_pitched_cry": "尖声哭叫",
        "arching": "颈部或背部后仰（角弓反张）",
        "seizures": "抽搐（惊厥）",
        "blue_colour": "皮肤或嘴唇发紫",
    },
    EN: {
        "poor_feeding": "poor feeding",
        "lethargy": "lethargy, hard to wake",
        "high_pitched_cry": "high-pitched cry",
        "arching": "arching of neck or back",
        "seizures": "seizures (fits)",
        "blue_colour": "blue skin or lips",
    },
}
WHY_CONFIRM = {
    ZH: {
        "unit_suspect": "单位可能有误，数值像是 mg/dL",
        "implausible_fall": "比上次测量下降得过快",
        "implausible_rise": "比上次测量上升得过快",
    },
    EN: {
        "unit_suspect": "the unit looks wrong: the number looks like mg/dL",
        "implausible_fall": "it fell faster than possible since the last measurement",
        "implausible_rise": "it rose faster than possible since the last measurement",
    },
}
# What an earlier blood test still in force means for the parents, by its band.
TSB_PARENT = {
    ZH: {
        "gap_under_2": "之前的抽血结果要求再次抽血复查，家用仪器读数不能代替。",
        "at_or_above_phototherapy": "之前的抽血结果已达到需要光疗的水平，家用仪器读数不能改变这一点。",
        "at_or_above_escalation": "之前的抽血结果已经很高，需要立即治疗，家用仪器读数不能改变这一点。",
    },
    EN: {
        "gap_under_2": "An earlier blood test asked for another blood test; a meter reading "
        "cannot replace it.",
        "at_or_above_phototherapy": "An earlier blood test reached the level that needs "
        "phototherapy; a meter reading does not change that.",
        "at_or_above_escalation": "An earlier blood test is very high and needs treatment now; "
        "a meter reading does not change that.",
    },
}
# Until a doubtful value is measured again: a low one lowers nothing, a high one is acted on;
# when the advice is hospital now, nobody waits for the new measurement.
UNTIL_CONFIRMED = {
    ZH: {
        "lower": "在确认之前，仍按之前的结果提醒您。",
        "higher": "为安全起见，在确认之前按这次的数值处理。",
        "lower_hospital": "请不要等待复测：仍按之前的结果去医院。",
        "higher_hospital": "为安全起见，请按这次的数值去医院，不要等待复测。",
    },
    EN: {
        "lower": "Until it is confirmed, the earlier result still counts.",
        "higher": "To be safe, it is acted on until a new measurement confirms or corrects it.",
        "lower_hospital": "Do not wait to measure again: the earlier result still sends your "
        "baby to hospital.",
        "higher_hospital": "To be safe, go to hospital on this value; do not wait to measure "
        "again.",
    },
}
# What a doubtful value still open means until it is settled (the follow-up plan holds it).
UNTIL_SETTLED = {
    ZH: {
        "lower": "在确认之前，仍按之前的结果提醒您。",
        "higher": "为安全起见，在抽血核实或复测确认之前，仍按这个数值处理。",
        "lower_hospital": "请不要等待复测：仍按之前的结果去医院。",
        "higher_hospital": "为安全起见，请按这个数值去医院，医院会抽血核实。",
    },
    EN: {
        "lower": "Until it is confirmed, the earlier result still counts.",
        "higher": "To be safe, it is still acted on until a blood test settles it or a repeat "
        "confirms it.",
        "lower_hospital": "Do not wait to measure again: the earlier result still sends your "
        "baby to hospital.",
        "higher_hospital": "To be safe, go to hospital on this value; the hospital will check "
        "it with a blood test.",
    },
}
# Why a blood test was asked for, as the clinician reads it (the signals that ask for a TSB).
ASKED_FOR = {
    ZH: {
        "first_24_hours": "出生 24 小时内出现黄疸",
        "rapid_rise": "上升速度过快",
        "confirm_with_tsb": "TcB 须以 TSB 确认",
        "gap_under_2": "距光疗阈值 < 2 mg/dL",
        "tsb_advice_open": "之前 TSB 的建议",
    },
    EN: {
        "first_24_hours": "jaundice in the first 24 hours",
        "rapid_rise": "rapid rise",
        "confirm_with_tsb": "a TcB to be confirmed by TSB",
        "gap_under_2": "less than 2 mg/dL below the phototherapy threshold",
        "tsb_advice_open": "an earlier TSB's advice",
    },
}
FIRST_DAY = {
    ZH: {
        "parent": "出生 24 小时内出现黄疸，需要尽快抽血检查。",
        "parent_done": "出生 24 小时内出现黄疸，医生需要评估原因。",
        "ask": "{window} 小时内急查 TSB。",
        "done": "已查 TSB，需医生评估原因（黄疸出现早是高胆红素血症危险因素）。",
    },
    EN: {
        "parent": "Jaundice in the first 24 hours needs a blood test within hours.",
        "parent_done": "Jaundice in the first 24 hours: a doctor needs to find out why.",
        "ask": "TSB urgently, within {window} h.",
        "done": "a TSB has been measured; doctor review of the cause (early jaundice is a risk "
        "factor for hyperbilirubinaemia).",
    },
}
MONITORING_ENDS = {
    ZH: {
        "falls": "黄疸在消退，且远低于需要治疗的水平，无需常规复测。",
        "age": "宝宝已满 {age_days} 天，胆红素远低于需要治疗的水平，无需常规复测。",
    },
    EN: {
        "falls": "The jaundice is fading and well below the treatment level; no routine "
        "measurement is needed.",
        "age": "Your baby is {age_days} days old and the bilirubin is well below the treatment "
        "level; no routine measurement is needed.",
    },
}
BANDS = {
    ZH: {
        "gap_under_2": "距光疗阈值 < 2 mg/dL",
        "at_or_above_phototherapy": "≥ 光疗阈值",
        "at_or_above_escalation": "≥ 升级治疗阈值",
    },
    EN: {
        "gap_under_2": "less than 2 mg/dL below the phototherapy threshold",
        "at_or_above_phototherapy": "at or above the phototherapy threshold",
        "at_or_above_escalation": "at or above escalation of care",
    },
}
REBOUND = {
    ZH: {
        "gestation_below_38_weeks": "胎龄 < 38 周",
        "started_before_48_hours": "48 小时龄前开始光疗",
        "haemolysis": "溶血",
        "haemolysis_not_assessed": "溶血未评估（未记录 DAT 或 G6PD 结果）",
        None: "无光疗后反弹危险因素",
        "some": "有光疗后反弹危险因素（{risks}）",
    },
    EN: {
        "gestation_below_38_weeks": "gestation below 38 weeks",
        "started_before_48_hours": "phototherapy started before 48 h",
        "haemolysis": "haemolysis",
        "haemolysis_not_assessed": "haemolysis not assessed (no DAT or G6PD result recorded)",
        None: "no rebound risk factor",
        "some": "rebound risk factors ({risks})",
    },
}
WORDS = {
    ZH: {
        "aap2022": "AAP 2022",
        "clinician": "临床医生设定的阈值",
        "phototherapy": "光疗阈值",
        "escalation": "升级治疗阈值",
        "ended_by_falls": "已连续 {falls} 次下降",
        "ended_by_age": "已满 {end_day} 天",
        "bound": "35 周伴神经毒性危险因素曲线在 {age} 小时的光疗阈值",
        "bound_escalation": "35 周伴神经毒性危险因素曲线在 {age} 小时的升级治疗阈值",
        "bound_any_age": "该婴儿可能所在曲线在任何小时龄的最高光疗阈值",
        "bound_any_age_escalation": "任何小时龄的最高升级治疗阈值",
        "range": "，范围 {low}–{high} mg/dL",
        "photo_disclaimer": "（照片估测值仅供筛查，不是测量值）",
        "visual_disclaimer": "（肉眼估计不是测量值）",
        "exchange_part": "，换血 {exchange}",
        "per_hour": "{umol} μmol/L（{mg} mg/dL）",
        "none": "—",
        "sep": "；",
    },
    EN: {
        "aap2022": "AAP 2022",
        "clinician": "thresholds set by a clinician",
        "phototherapy": "phototherapy threshold",
        "escalation": "escalation-of-care threshold",
        "ended_by_falls": "{falls} successive falls",
        "ended_by_age": "day {end_day} reached",
        "bound": "the 35-week with-risk phototherapy threshold at {age} h",
        "bound_escalation": "the 35-week with-risk escalation threshold at {age} h",
        "bound_any_age": "the highest phototherapy threshold, at any age, of the curves this "
        "infant could be on",
        "bound_any_age_escalation": "the highest escalation threshold at any age",
        "range": ", range {low}–{high} mg/dL",
        "photo_disclaimer": " (a photo estimate only screens; it is not a measurement)",
        "visual_disclaimer": " (a visual estimate is not a measurement)",
        "exchange_part": ", exchange {exchange}",
        "per_hour": "{mg} mg/dL ({umol} µmol/L)",
        "none": "—",
        "sep": "; ",
    },
}
PARENT_KIND = {
    ZH: {"visual": "肉眼估计", "photo": "照片估测值"},
    EN: {"visual": "visual estimate", "photo": "photo estimate"},
}


def both_units(mg_dl: Decimal | float, umol_l: int, language: str) -> str:
    """A bilirubin value as shown: µmol/L first in Chinese, mg/dL first in English."""
    mg = f"{Decimal(mg_dl):.1f}" if isinstance(mg_dl, Decimal) else f"{mg_dl:.1f}"
    if language == ZH:
        return f"{umol_l} μmol/L（{mg} mg/dL）"
    return f"{mg} mg/dL ({umol_l} µmol/L)"


def _threshold(mg_dl, language: str, unit: str = "mg/dL") -> str:
    """A threshold in both units, its µmol/L comparable with a value sent in `unit`."""
    shown = mg_dl_shown(float(mg_dl))
    return both_units(shown, threshold_umol_l_shown(shown, unit), language)


def _echo(th, which: str) -> dict | None:
    """A clinician's threshold in both units, their own number as they sent it (issue
    #26.12), or None where the thresholds are AAP 2022's."""
    sent = (th.as_sent or {}).get(which) if th.source == "clinician" else None
    if not sent:
        return None
    value, unit = float(sent[0]), sent[1]
    if unit == "mg/dL":
        shown = mg_dl_shown(value)
        umol = threshold_umol_l_shown(shown, "mg/dL")
        return {ZH: f"{umol} μmol/L（{value:g} mg/dL）", EN: f"{value:g} mg/dL ({umol} µmol/L)"}
    mg = f"{mg_dl_shown(to_mg_dl(value, unit)):.1f}"
    return {ZH: f"{value:g} μmol/L（{mg} mg/dL）", EN: f"{mg} mg/dL ({value:g} µmol/L)"}


def _hours(value: float) -> str:
    return f"{value:.1f}"


def _window(window) -> str:
    start, end = window
    return f"{start:g}–{end:g}" if start else f"{end:g}"


def _estimate(detail: dict, language: str) -> str:
    kind = detail["estimate"]
    text = f"{METHOD_NAMES[language][kind]} " + both_units(
        detail["value_mg_dl"], detail["value_umol_l"], language
    )
    if kind == "photo" and detail.get("low_mg_dl") is not None:
        if language == ZH:
            text = (
                text[:-1]
                + WORDS[ZH]["range"].format(
                    low=f"{detail['low_mg_dl']:.1f}", high=f"{detail['high_mg_dl']:.1f}"
                )
                + "）"
            )
        else:
            text = (
                text[:-1]
                + WORDS[EN]["range"].format(
                    low=f"{detail['low_mg_dl']:.1f}", high=f"{detail['high_mg_dl']:.1f}"
                )
                + ")"
            )
    return text


class _Values(dict):
    """Placeholders filled lazily per language; a missing one is a bug and raises."""

    def __init__(self, build, language):
        super().__init__()
        self.build, self.language = build, language

    def __missing__(self, key):
        value = self.build(key, self.language)
        self[key] = value
        return value


def _value_builder(result, detail: dict):
    """Returns build(key, language) for one reason: the assessment's facts and the detail of the
    signal being explained."""
    th = result.thresholds
    m = result.measurement
    subject = detail if "value_umol_l" in detail and detail.get("kind") == "reading" else m

    # Thresholds beside the value being discussed are written so that its µmol/L compares right.
    unit = (subject or {}).get("unit_sent", "mg/dL") if "estimate" not in detail else "mg/dL"

    def build(key: str, lang: str) -> str:
        w = WORDS[lang]
        if key == "method":
            return METHOD_NAMES[lang][subject["method"]]
        if key == "value":
            return both_units(subject["value_mg_dl"], subject["value_umol_l"], lang)
        if key == "age":
            age = detail.get("age_hours", subject["age_hours"] if subject else None)
            return _hours(age)
        if key == "threshold":
            if "threshold_mg_dl" not in detail and _echo(th, "phototherapy"):
                return _echo(th, "phototherapy")[lang]
            return _threshold(detail.get("threshold_mg_dl", th.phototherapy_mg_dl), lang, unit)
        if key == "escalation":
            return _threshold(th.escalation_mg_dl, lang, unit)
        if key == "exchange":
            if _echo(th, "exchange"):
                return _echo(th, "exchange")[lang]
            return _threshold(th.exchange_mg_dl, lang, unit)
        if key == "exchange_part":
            if th.exchange_mg_dl is None:
                return ""
            exchange = _echo(th, "exchange")
            exchange = exchange[lang] if exchange else _threshold(th.exchange_mg_dl, lang, unit)
            return w["exchange_part"].format(exchange=exchange)
        if key == "gap":
            return both_units(Decimal(str(result.gap_mg_dl)), result.gap_umol_l, lang)
        if key == "source":
            return w[th.source]
        if key == "window":
            return _window(detail["window_hours"])
        if key == "measure_within":
            # The basis's own window, unless the action sends the infant to hospital now.
            if result.decided_by == "hospital":
                return "。" if lang == ZH else ""
            window = _window(detail["window_hours"])
            return f"，{window} 小时内测量。" if lang == ZH else f" Measure within {window} h."
        if key in ("falls", "end_day", "limit_days"):
            return str(detail[key])
        if key == "ended_by":
            return w["ended_by_" + detail["ended_by"]].format(**detail)
        if key in ("started", "stopped"):
            return _hours(detail[f"{key}_age_hours"])
        if key == "rebound":
            risks = detail["rebound_risk"]
            if not risks:
                return REBOUND[lang][None]
            return REBOUND[lang]["some"].format(
                risks=w["sep"].join(REBOUND[lang][r] for r in risks)
            )
        if key in ("bound", "bound_escalation"):
            return _threshold(
                detail[key + "_mg_dl" if key == "bound" else "bound_escalation_mg_dl"], lang
            )
        if key in ("bound_what", "bound_what_escalation"):
            suffix = "_escalation" if key.endswith("escalation") else ""
            if detail["bound_any_age"]:
                return w["bound_any_age" + suffix]
            return w["bound" + suffix].format(age=_hours(subject["age_hours"]))
        if key == "tcb_limit":
            return _threshold(15.0, lang, unit)
        if key == "tsb_parent":
            return TSB_PARENT[lang][detail["tsb_band"]]
        if key in ("tsb_value", "tsb_age", "tsb_band"):
            if key == "tsb_value":
                return both_units(detail["tsb_value_mg_dl"], detail["tsb_value_umol_l"], lang)
            if key == "tsb_age":
                return _hours(detail["tsb_age_hours"])
            return BANDS[lang][detail["tsb_band"]]
        if key == "why":
            return WHY_CONFIRM[lang][detail["needs_confirmation"]]
        if key == "until_settled":
            higher = detail["acted_on"]
            at_hospital = "_hospital" if result.decided_by == "hospital" else ""
            return UNTIL_SETTLED[lang][("higher" if higher else "lower") + at_hospital]
        if key == "raised":
            return _hours(detail["raised_age_hours"])
        if key == "asked_for":
            return w["sep"].join(ASKED_FOR[lang][code] for code in detail["asked_for"])
        if key == "until_confirmed":
            higher = detail["acted_on"]
            at_hospital = "_hospital" if result.decided_by == "hospital" else ""
            return UNTIL_CONFIRMED[lang][("higher" if higher else "lower") + at_hospital]
        if key == "read_as":
            if "read_as_mg_dl" not in detail:
                return ""
            value = f"{detail['read_as_mg_dl']:.1f} mg/dL"
            return (
                f"；如原意为 {value}，按该值处理（只升不降）"
                if lang == ZH
                else (f"; read as {value} it is acted on (raise only)")
            )
        if key in ("first_day_parent", "first_day_ask"):
            done = detail["tsb_done"]
            if key == "first_day_parent":
                return FIRST_DAY[lang]["parent_done" if done else "parent"]
            return (
                FIRST_DAY[lang]["done"]
                if done
                else FIRST_DAY[lang]["ask"].format(window=_window(detail["window_hours"]))
            )
        if key == "ended_parent":
            return MONITORING_ENDS[lang][detail["ended_by"]].format(
                end_day=detail["end_day"], age_days=detail["age_days"]
            )
        if key == "cap":
            if "capped_at_age_hours" not in detail:
                return ""
            at = f"{detail['capped_at_age_hours']:g}"
            return (
                f"（本项目政策：不晚于 {at} 小时龄）"
                if lang == ZH
                else (f" (programme policy: by {at} h of age at the latest)")
            )
        if key == "since":
            return _hours(detail["since_age_hours"])
        if key == "estimate":
            return _estimate(detail, lang)
        if key == "kind":
            return PARENT_KIND[lang][detail["estimate"]]
        if key == "disclaimer":
            return w[detail["estimate"] + "_disclaimer"]
        if key == "line":
            return w[detail["line"]]
        if key == "line_value":
            line = "threshold" if detail["line"] == "phototherapy" else "escalation"
            return _threshold(detail[line + "_mg_dl"], lang)
        if key in ("rate", "limit"):
            mg = detail["rate_mg_dl_per_hour" if key == "rate" else "limit_mg_dl_per_hour"]
            return w["per_hour"].format(mg=f"{mg:.2f}", umol=f"{mg * 17.1:.1f}")
        if key == "over":
            return _hours(detail["over_hours"])
        if key == "loss":
            return f"{detail['loss_percent']:.1f}"
        if key == "signs":
            return w["sep"].join(SIGN_NAMES[lang][s] for s in detail["signs"])
        if key in ("probability", "cut"):
            return detail[key + "_text"]
        if key == "drivers":
            return detail["drivers_text"][lang]
        raise KeyError(key)

    return build


def reason(code: str, result, detail: dict | None = None) -> dict:
    """One reason in both languages, for parents and clinicians."""
    parent_zh, parent_en, doctor_zh, doctor_en = TEXTS[code]
    build = _value_builder(result, detail or {})
    zh, en = _Values(build, ZH), _Values(build, EN)
    clinician_en = doctor_en.format_map(en)
    return {
        "code": code,
        "parent": {ZH: parent_zh.format_map(zh), EN: parent_en.format_map(en)},
        # A sentence may open with a value's name ("visual estimate 5.0 mg/dL …").
        "clinician": {
            ZH: doctor_zh.format_map(zh),
            EN: clinician_en[:1].upper() + clinician_en[1:],
        },
    }


SPEAKS_FOR_ITSELF = frozenset(
    {"under_phototherapy", "after_phototherapy_check", "no_reading", "after_hospital_visit"}
)


def explain(result, base) -> None:
    """Write the reasons (the action first, then the basis, then each signal) and the one
    parent message: the action, then what drove it, then what an estimate or an unlikely value
    asked for — never a sentence that contradicts the action."""
    action = result.action
    headline = reason("action_" + action.code, result)
    explained = [(base.code, base.action, base.detail)]
    explained += [(code, base.action, base.detail) for code in base.extra_codes]
    explained += [(s.code, s.action_floor, s.detail) for s in result.signals]
    reasons = [reason(code, result, detail) for code, _, detail in explained]
    # The clinician reads what set the action first, then what else was considered.
    order = sorted(range(len(reasons)), key=lambda k: explained[k][1] != action)
    result.reasons = [headline, *(reasons[k] for k in order)]

    # The parent message: the action, what set it, and an estimate's or a doubtful value's own
    # request. Reassurance from a lower level never appears beside a higher action.
    chosen = [
        next(r for r, (_, floor, _) in zip(reasons, explained, strict=True) if floor == action)
    ]
    # What an estimate or a doubtful value asked adds one sentence; a low estimate's own sentence
    # is left out beside another (the message already calls it an estimate, and the first
    # sentence already asks for the measurement).
    for r, (code, floor, _) in zip(reasons, explained, strict=True):
        asks = code.startswith(("estimate_", "value_needs", "value_unconfirmed", "tsb_advice"))
        asks = asks or code == "request_tsb"
        if asks and r not in chosen and floor > 1 and len(chosen) < 2:
            chosen.append(r)
    # After treatment the basis speaks for itself: "no visit is needed" would jar beside
    # "your baby is having phototherapy in hospital".
    lead = [] if base.code in SPEAKS_FOR_ITSELF and base.action == action else [headline["parent"]]
    # A doubtful new value is explained first: what follows is about the earlier result.
    chosen.sort(key=lambda r: r["code"] != "value_needs_confirmation")
    sentences = lead + [r["parent"] for r in chosen]
    result.advice = {
        lang: ("" if lang == ZH else " ").join(s[lang] for s in sentences) for lang in LANGUAGES
    }


def driver_text(group: str, values: dict) -> dict:
    """One driver of the model's probability in both languages, from the row's values."""
    zh, en = DRIVER_TEXTS[group]
    return {ZH: zh.format(**values[ZH]), EN: en.format(**values[EN])}
