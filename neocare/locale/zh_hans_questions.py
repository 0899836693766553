"""Chinese for the parents' questions strings (neocare/questions; merged into
translate_zh_hans.ZH_HANS). Terms as GLOSSARY.md: 社区医生, 区妇幼保健院, 危险征象, 急诊.

"closed", "community centre" and "district centre" are left to the main table, which already
has them (已结束, 社区卫生服务中心, 区妇幼保健院)."""

ZH_HANS: dict[str, str] = {
    "You have sent many questions today. For anything urgent, call your community health centre; in an emergency, call 120.": "您今天已发送很多问题。如有急事，请致电社区卫生服务中心；紧急情况请拨打 120。",
    # Model choices and fields
    "waiting for an answer": "待回答",
    "answered": "已回答",
    "question": "问题",
    "answer due by": "回答截止时间",
    "answer": "回答",
    # Services (API messages)
    "If your baby is very unwell, call 120 now.": "情况危急请立即拨打 120。",
    "Only the infant's guardians ask questions here.": "只有宝宝的监护人可以在此提问。",
    "Write your question.": "请填写您的问题。",
    "No photo with this id for this infant.": "该宝宝没有此编号的照片。",
    "Only community and district doctors answer questions.": "只有社区医生和区妇幼保健院医生可以回答问题。",
    "Write the answer.": "请填写回答。",
    "This question has already been answered.": "此问题已经回答过了。",
    # SMS templates (messaging/templates.py) and their labels
    "NeoCare: the parents of %(infant)s (ref %(ref)s) asked a question. Please answer by %(due)s in the questions inbox.": "【新生儿黄疸随访】%(infant)s（编号 %(ref)s）的家长提了一个问题，请在 %(due)s 前在家长提问收件箱中回答。",
    "NeoCare: the parents of %(infant)s (ref %(ref)s) wrote of a danger sign (%(words)s). They were told to go to the emergency department now. Please call them now.": "【新生儿黄疸随访】%(infant)s（编号 %(ref)s）的家长在提问中描述了危险征象（%(words)s），系统已告知其立即去医院急诊。请立即致电家长。",
    "NeoCare: your community doctor's answer about %(infant)s: %(answer)s": "【新生儿黄疸随访】社区医生关于%(infant)s的回答：%(answer)s",
    "NeoCare: what you wrote about %(infant)s can be a danger sign. %(advice)s Do not wait for a call back; your community doctor will also contact you soon.": "【新生儿黄疸随访】您描述的%(infant)s的情况可能是危险征象。%(advice)s请不要等医生回电；社区医生也会尽快联系您。",
    "NeoCare: a parents' question at %(centre)s has waited %(hours)s h without an answer (ref %(ref)s). Please act.": "【新生儿黄疸随访】%(centre)s的一个家长提问已等待 %(hours)s 小时仍未回答（编号 %(ref)s），请处理。",
    "parents' question (to the doctor)": "家长提问（致医生）",
    "danger sign in a parents' question (to the doctor)": "家长提问中的危险征象（致医生）",
    "answer to a parents' question": "家长提问的回答",
    "emergency advice on a parents' question": "家长提问的急诊建议",
    "unanswered parents' question (to the doctor)": "未回答的家长提问（致医生）",
    # Console
    "Your answer": "您的回答",
    "Parents' questions": "家长提问",
    "Waiting questions first, oldest first. The parents receive your answer by SMS and in the app.": "待回答的问题在前，最早的在前。家长会通过短信和应用收到您的回答。",
    "No questions.": "暂无提问。",
    "asked %(at)s": "提问时间 %(at)s",
    "danger sign": "危险征象",
    "answer by %(at)s": "请在 %(at)s 前回答",
    "overdue": "已超时",
    "escalated to the district centre": "已上报区妇幼保健院",
    "photo sent with the question": "随问题发送的照片",
    "Danger words found": "发现的危险词",
    "Answered at once by the system (emergency advice)": "系统已立即回答（急诊建议）",
    "Answer by %(name)s": "%(name)s 的回答",
    "Send the answer": "发送回答",
}
