"""Chinese for the parents' mobile web page /m/ (neocare/parents_web; merged into
translate_zh_hans.ZH_HANS). Terms as GLOSSARY.md: 社区卫生服务中心, 经皮胆红素; "出生后 N 小时"
for age in hours; "知情同意" for consent; times are Beijing time (北京时间)."""

ZH_HANS: dict[str, str] = {
    # Layout
    "Jaundice follow-up": "新生儿黄疸随访",
    "Main": "主菜单",
    "My babies": "我的宝宝",
    "Articles": "科普文章",
    "Consent": "知情同意",
    "Sign out": "退出登录",
    # Sign-in
    "Mobile phone number": "手机号码",
    "Sign-in code": "验证码",
    "Enter the six digits of the code.": "请输入 6 位数字验证码。",
    "Enter the mobile number you gave your community health centre. We will send a six-digit code by SMS.": "请输入您在社区卫生服务中心登记的手机号码，我们将通过短信发送 6 位验证码。",
    "Send the code": "发送验证码",
    "Enter the code": "输入验证码",
    "This code is wrong or has expired. Ask for a new one.": "验证码错误或已过期，请重新获取。",
    "Ask for a new code": "重新获取验证码",
    # My babies
    "%(hours)d hours after birth": "出生后 %(hours)d 小时",
    "%(days)d days old": "出生后 %(days)d 天",
    "Latest advice": "最新建议",
    "No reading yet.": "还没有测量记录。",
    "Next measurement:": "下次测量：",
    "follow the advice above": "请按上面的建议处理",
    "Log a reading": "记录测量值",
    "Newest readings": "最近的测量值",
    "Time": "时间",
    "Reading": "测量值",
    "j M, H:i": "n月j日 H:i",
    "No baby is linked to your number, or you have withdrawn your consent. Ask your community health centre.": "您的号码没有关联的宝宝，或您已撤回知情同意。请联系社区卫生服务中心。",
    # Logging a reading
    "How it was measured": "测量方式",
    "Value": "数值",
    "Unit": "单位",
    "Measured at": "测量时间",
    "Beijing time.": "北京时间。",
    "Save the reading": "保存测量值",
    "Back": "返回",
    "This form was already sent with other values. Check them and send again to record a new reading.": "这张表单已用其他数值提交过。请核对数值后再次提交，将记录为一条新的测量值。",
    "Reading saved": "测量值已保存",
    "This form was already saved.": "这张表单已经保存过。",
    "See the advice": "查看建议",
    "Log another reading": "记录新的测量值",
    "Advice": "建议",
    # Articles
    "Search the articles": "搜索文章",
    "Search": "搜索",
    "No article found.": "没有找到文章。",
    "Reviewed by a clinician on": "医生审核日期：",
    "All articles": "全部文章",
    # Consent
    "Consent given:": "同意日期：",
    "Consent text version:": "知情同意书版本：",
    "Withdrawn:": "已撤回：",
    "Withdraw consent": "撤回知情同意",
    "No consent on record.": "没有知情同意记录。",
    "After you withdraw, you can no longer send readings for this baby and the programme stops sending you reminders and advice. Your community health centre can enrol you again.": "撤回后，您将不能再为这个宝宝提交测量值，随访项目也将停止向您发送提醒和建议。如需重新参加，请联系社区卫生服务中心。",
    "Yes, withdraw my consent": "确认撤回知情同意",
    "Cancel": "取消",
}
