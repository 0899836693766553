"""Fill neocare/locale/zh_Hans from the table below, then compile it.

Run after `manage.py makemessages -l zh_Hans` (needs `pip install polib` and gettext):
    python neocare/locale/translate_zh_hans.py
Strings missing here stay untranslated and are listed, so nothing is silently lost.
"""

from pathlib import Path

import polib

ZH_HANS = {
    "Unknown field.": "未知字段。",
    "Include the UTC offset, e.g. 2026-11-23T08:30:00+08:00 or ...Z.": "请包含时区偏移，例如 2026-11-23T08:30:00+08:00 或 ...Z。",
    "albumin < 3.0 g/dL": "白蛋白 < 3.0 g/dL",
    "isoimmune haemolytic disease (positive DAT)": "同族免疫性溶血病（直接抗人球蛋白试验阳性）",
    "G6PD deficiency": "G6PD 缺乏症",
    "other haemolytic condition": "其他溶血性疾病",
    "sepsis": "败血症",
    "significant clinical instability in 24 h": "近 24 小时内明显临床不稳定",
    "jaundice in the first 24 hours": "出生 24 小时内出现黄疸",
    "pre-discharge value close to the phototherapy threshold": "出院前胆红素值接近光疗阈值",
    "haemolysis, known or suspected": "已知或疑似溶血",
    "phototherapy before discharge": "出院前接受过光疗",
    "parent or sibling needed phototherapy or exchange transfusion": "父母或兄弟姐妹曾需要光疗或换血",
    "family history or ancestry of an inherited red-cell disorder (e.g. G6PD deficiency)": "有遗传性红细胞疾病（如 G6PD 缺乏症）的家族史或家族背景",
    "exclusive breastfeeding with suboptimal intake": "纯母乳喂养且摄入不足",
    "scalp haematoma or significant bruising": "头皮血肿或明显瘀伤",
    "Down syndrome": "唐氏综合征",
    "macrosomic infant of a diabetic mother": "糖尿病母亲所生的巨大儿",
    "female": "女",
    "male": "男",
    "undetermined": "未确定",
    "exclusive breastfeeding": "纯母乳喂养",
    "mixed": "混合喂养",
    "formula": "配方奶喂养",
    "name": "名称",
    "sex": "性别",
    "born at": "出生时间",
    "gestational age, completed weeks": "胎龄（足周）",
    "gestational age, extra days": "胎龄（另加天数）",
    "birth weight (g)": "出生体重（克）",
    "discharged at": "出院时间",
    "feeding": "喂养方式",
    "mother": "母亲",
    "father": "父亲",
    "other guardian": "其他监护人",
    "consent given at": "同意时间",
    "consent withdrawn at": "撤回同意时间",
    "parents' app": "家长应用",
    "clinician": "医生",
    "offline batch sync": "离线批量同步",
    "transcutaneous, home meter": "经皮测量（家用仪器）",
    "transcutaneous, at a clinic": "经皮测量（诊所）",
    "total serum bilirubin, laboratory": "血清总胆红素（实验室）",
    "visual estimate": "目测估计",
    "method": "测量方法",
    "measured at": "测量时间",
    "device identifier": "设备编号",
    "pale (white, clay or pale yellow)": "浅色（白色、陶土色或淡黄色）",
    "normal (yellow, green or brown)": "正常（黄色、绿色或褐色）",
    "observed at": "观察时间",
    "weight (g)": "体重（克）",
    "feeds per day": "每日喂养次数",
    "stool colour card number": "大便比色卡编号",
    "poor feeding": "吃奶差",
    "lethargy, hard to wake": "嗜睡、难以唤醒",
    "high-pitched cry": "尖声哭叫",
    "arching of neck or back": "颈部或背部后仰",
    "Above the physiologic ceiling of %(mg)d mg/dL (%(umol)d µmol/L). Check the value and "
    "its unit.": "超过生理上限 %(mg)d mg/dL（%(umol)d µmol/L）。请检查数值及其单位。",
    "Give at least one observation (weight, feeds, stool colour or alertness).": "请至少填写一项观察（体重、喂养、大便颜色或精神状态）。",
    "At most %(max)d records per sync; send the rest in another request.": "每次同步最多 %(max)d 条记录；其余请另行发送。",
    "This time is in the future (more than %(minutes)d minutes ahead of the server clock). "
    "Check the device's date and time.": "该时间在未来（比服务器时间快 %(minutes)d 分钟以上）。请检查设备的日期和时间。",
    "This time is before the infant's birth.": "该时间早于婴儿出生时间。",
    "The infant was %(age).1f days old at this time; jaundice monitoring accepts records up to "
    "%(max)d days of age (neonatal period).": "此时婴儿已出生 %(age).1f 天；黄疸监测只接受 %(max)d 天（新生儿期）以内的记录。",
    "Consent to the programme was withdrawn for this infant; give consent again to send "
    "records.": "您已撤回对该婴儿参加项目的同意；如需提交记录，请重新同意。",
    "Your role may not record readings.": "您的角色不能记录测量值。",
    "This idempotency key was already used for a different record (differs in: %(fields)s). "
    "Use a new key for a new record.": "该幂等键已用于另一条不同的记录（不同之处：%(fields)s）。新记录请使用新的键。",
    "Stool colour card number %(number)d means %(colour)s; the two disagree.": "大便比色卡 %(number)d 号表示%(colour)s；两者不一致。",
    "Choose a community health centre.": "请选择社区卫生服务中心。",
    "A community doctor registers infants at their own centre.": "社区医生只能在本中心登记婴儿。",
    "Choose a centre in your district.": "请选择本区的中心。",
    "Only clinicians register infants.": "只有医生可以登记婴儿。",
    "Discharge cannot precede birth.": "出院时间不能早于出生时间。",
    "Choose a hospital that delivers.": "请选择有接生服务的医院。",
    "Only clinicians link guardians.": "只有医生可以关联监护人。",
    "This number belongs to a staff account and cannot be linked as a guardian.": "该号码属于工作人员账户，不能关联为监护人。",
    "Only the guardian can withdraw their consent.": "只有监护人本人可以撤回同意。",
    "Only paediatricians may use break-glass access.": "只有儿科医生可以使用紧急访问。",
    "Not found.": "未找到。",
    "community health centre": "社区卫生服务中心",
    "district maternal and child health centre": "区妇幼保健院",
    "tertiary hospital": "三级医院",
    "tier": "级别",
    "address": "地址",
    "latitude": "纬度",
    "longitude": "经度",
    "parent or guardian": "家长或监护人",
    "community doctor": "社区医生",
    "district doctor": "区妇幼医生",
    "paediatrician": "儿科医生",
    "health administrator": "卫生管理人员",
    "role": "角色",
    "phone number": "电话号码",
    "language": "语言",
    "A %(role)s must be attached to a %(tier)s.": "%(role)s必须隶属于%(tier)s。",
    "routine follow-up": "常规随访",
    "repeat measurement sooner": "提前复测",
    "community doctor review today": "今日社区医生评估",
    "urgent hospital referral": "紧急转诊至医院",
    "emergency": "急症",
    "The request body is too large; send fewer records at a time.": "请求内容过大；请分批发送较少的记录。",
    # Alerts and referrals (issue #5)
    "open": "待处理",
    "acknowledged": "已确认",
    "resolved": "已解决",
    "measured again and fine": "复测正常",
    "referred to hospital": "已转诊至医院",
    "parents unreachable": "联系不上家长",
    "community centre": "社区卫生服务中心",
    "district centre": "区妇幼保健院",
    "region on-call": "市级值班",
    "sent": "已发送",
    "accepted": "已接收",
    "arrived": "已到院",
    "treatment given": "已治疗",
    "closed": "已结束",
    "phototherapy": "光疗",
    "exchange transfusion": "换血治疗",
    "no treatment": "未治疗",
    "Automatic referral: the assessment was an emergency.": "自动转诊：评估结果为急症。",
    "This alert is already resolved.": "该警报已解决。",
    "Only community and district doctors act on alerts.": "只有社区医生和区级医生可以处理警报。",
    "Say what happened when the outcome is 'other'.": "结果为“其他”时，请说明具体情况。",
    "Only the receiving hospital's paediatricians update a referral.": "只有接收医院的儿科医生可以更新转诊。",
    "A referral moves forward only (now: %(s)s).": "转诊状态只能向前推进（当前：%(s)s）。",
    "Say which treatment was given.": "请说明给予了哪种治疗。",
    "Refer to a tertiary hospital.": "请转诊至三级医院。",
    "No tertiary hospital is registered.": "尚未登记任何三级医院。",
    "Unknown outcome.": "未知的结果。",
    "Unknown status.": "未知的状态。",
    # Messages (issue #5)
    "waiting to be sent": "等待发送",
    "being sent": "发送中",
    "accepted by the gateway": "网关已接收",
    "outcome unknown": "结果未知",
    "delivered": "已送达",
    "failed": "失败",
    "not sent": "未发送",
    "merged into another message": "已合并到另一条短信",
    "Next measurement: %(when)s.": "下次测量：%(when)s。",
    "NeoCare: %(infant)s's reading %(value)s was received. %(advice)s%(next)s": "【新生儿黄疸随访】已收到%(infant)s的测量值 %(value)s。%(advice)s%(next)s",
    "NeoCare: take %(infant)s to %(hospital)s today. Address: %(address)s. Bring this message.": "【新生儿黄疸随访】请今天带%(infant)s到%(hospital)s就诊。地址：%(address)s。请携带此短信。",
    "NeoCare: it is time to measure %(infant)s's bilirubin again (due %(due)s).": "【新生儿黄疸随访】该为%(infant)s复测胆红素了（应测时间 %(due)s）。",
    "NeoCare: %(infant)s's bilirubin measurement due %(due)s has not arrived. Please measure today; your community doctor has been told.": "【新生儿黄疸随访】尚未收到%(infant)s应于 %(due)s 的胆红素测量值。请今天测量；已通知您的社区医生。",
    "NeoCare: %(infant)s (ref %(ref)s) missed a measurement due %(due)s. Please call.": "【新生儿黄疸随访】%(infant)s（编号 %(ref)s）错过了 %(due)s 的测量，请致电家长。",
    "NeoCare: new %(severity)s alert for %(infant)s (ref %(ref)s). Open the triage queue.": "【新生儿黄疸随访】%(infant)s（编号 %(ref)s）有新的警报：%(severity)s。请查看分诊队列。",
    "NeoCare: %(severity)s alert at %(centre)s unacknowledged for %(minutes)s min (ref %(ref)s). Please act.": "【新生儿黄疸随访】%(centre)s的警报（%(severity)s，编号 %(ref)s）已 %(minutes)s 分钟无人确认，请处理。",
    "NeoCare: you will receive no more messages. Reply with your doctor to rejoin.": "【新生儿黄疸随访】您将不再收到短信。如需重新加入，请联系您的医生。",
    "%(parts)s": "%(parts)s",
    # Photos (issue #6)
    "forehead": "额头",
    "sternum": "胸骨处",
    "sclera (white of the eye)": "巩膜（眼白）",
    "taken at": "拍摄时间",
    "The photo file is incomplete. Please take it again.": "照片文件不完整，请重新拍摄。",
    "The photo file carries other data. Please send the photo itself.": "照片文件夹带了其他数据，请直接发送照片本身。",
    "The photo's colour profile cannot be read.": "无法读取照片的色彩配置文件。",
    "The photo is too large (at most %(mb)d MB).": "照片太大（最多 %(mb)d MB）。",
    "The photo has too many pixels.": "照片像素过多。",
    "The photo is too large in one dimension.": "照片的长或宽超出限制。",
    "Send a single photo, not an animation.": "请发送单张照片，不要发送动图。",
    "This is not a JPEG, PNG, WebP or HEIC photo.": "这不是 JPEG、PNG、WebP 或 HEIC 格式的照片。",
    "The photo file is damaged. Please take it again.": "照片文件已损坏，请重新拍摄。",
    "Send a JSON object {x, y, w, h}.": "请发送 JSON 对象 {x, y, w, h}。",
    "Give exactly x, y, w and h.": "请恰好给出 x、y、w 和 h。",
    "Width and height must be above 0.": "宽和高必须大于 0。",
    "The rectangle must lie inside the frame.": "矩形必须位于画面之内。",
    # Skin photos (issue #6)
    "hold the phone closer so that the card fills more of the photo.": "把手机靠近一些，让比色卡在照片中占更大的面积。",
    "avoid direct sunlight and flash; take it in bright shade or by a window.": "避免阳光直射和闪光灯；在明亮的阴凉处或窗边拍摄。",
    "keep the whole card flat and in view, and mark it again in the app.": "让整张比色卡平放并完整入镜，并在应用中重新标出比色卡。",
    "hold the phone still and let it focus before taking the photo.": "拿稳手机，等对焦清晰后再拍。",
    "take it somewhere brighter, by a window in daylight.": "到更亮的地方拍，例如白天的窗边。",
    "lay the card flat on the baby's skin so that skin fills its window.": "把比色卡平贴在宝宝皮肤上，让皮肤填满卡片中间的窗口。",
    "NeoCare: %(infant)s's skin photo suggests about %(low)s–%(high)s mg/dL. A photo estimate is not a measurement. %(advice)s%(next)s": "NeoCare：%(infant)s 的皮肤照片估计约为 %(low)s–%(high)s mg/dL。照片估计不是测量值。%(advice)s%(next)s",
    "NeoCare: %(infant)s's skin photo could not be used: %(problem)s. Please retake it: %(fix)s": "NeoCare：%(infant)s 的皮肤照片无法使用：%(problem)s。请重新拍摄：%(fix)s",
    "received, being analysed": "已收到，正在分析",
    "unusable: please retake": "无法使用：请重拍",
    "no estimate could be made": "无法给出估计",
    "the card is too small in the photo": "比色卡在照片中太小",
    "the card is not where the app marked it": "比色卡不在应用标出的位置",
    "the photo is blurred": "照片模糊",
    "no skin shows through the card's window": "比色卡窗口中看不到皮肤",
    "no photo estimator is loaded": "未加载照片估计模型",
    "the analysis failed": "分析失败",
}


def main() -> None:
    po_path = Path(__file__).parent / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    missing = []
    for entry in po:
        if entry.msgid in ZH_HANS:
            entry.msgstr = ZH_HANS[entry.msgid]
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
        elif not entry.msgstr:
            missing.append(entry.msgid)
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    po.save_as_mofile(str(po_path.with_suffix(".mo")))
    for msgid in missing:
        print(f"untranslated: {msgid!r}")


if __name__ == "__main__":
    main()
