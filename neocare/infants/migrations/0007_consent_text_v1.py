"""The first consent text (both languages). Wording for sign-off by the programme (see the
closing note of issue #15); a new wording is a new version, never an edit of this one."""

from datetime import UTC, datetime

from django.db import migrations

ZH = (
    "新生儿黄疸随访项目（自愿参加）\n"
    "1. 项目做什么：通过短信提醒您在家给宝宝测黄疸，告诉您每次测量结果的意义和下一次测量时间；"
    "结果需要时，社区医生会联系您并安排到医院就诊。\n"
    "2. 收集哪些信息：宝宝的出生信息、胆红素测量值、皮肤照片、喂养和大便颜色等观察记录，"
    "以及您的手机号码。\n"
    "3. 谁能看到：宝宝登记的社区卫生服务中心和所在区妇幼保健院的医生；宝宝被转诊时，接诊医院的医生。"
    "卫生管理人员只看到不含姓名和电话的统计数字。每次查看都有记录。\n"
    "4. 如何退出：随时回复短信 TD，或在家长页面撤回同意，或告诉社区卫生服务中心。退出后不再给您发短信；"
    "已有的医疗记录按医疗法规保存。\n"
    "5. 本项目不能代替医生诊治：宝宝叫不醒、不吃奶、抽搐或尖声哭叫，请立即就医或拨打 120。"
)
EN = (
    "Newborn jaundice follow-up programme (taking part is voluntary)\n"
    "1. What it does: text messages remind you to measure your baby's jaundice at home and tell "
    "you what each result means and when to measure next; when a result needs it, your "
    "community doctor contacts you and arranges a hospital visit.\n"
    "2. What is collected: your baby's birth details, bilirubin readings, skin photos, "
    "observations such as feeding and stool colour, and your mobile number.\n"
    "3. Who sees it: the doctors of the community health centre where your baby is registered "
    "and of the district maternal and child health centre; if your baby is referred, the "
    "hospital's doctors. Health administrators see only statistics without names or phone "
    "numbers. Every look at the record is logged.\n"
    "4. How to leave: at any time reply TD, withdraw consent on the parents' page, or tell your "
    "community health centre. You then get no more messages; existing medical records are kept "
    "as medical regulations require.\n"
    "5. The programme does not replace a doctor: if your baby will not wake, will not feed, has a "
    "seizure or a high-pitched cry, go to hospital now or call 120."
)

# Before any record of the programme (replays and tests travel back in time).
IN_FORCE_FROM = datetime(2026, 1, 1, tzinfo=UTC)


def first_version(apps, schema_editor):
    ConsentText = apps.get_model("infants", "ConsentText")
    ConsentText.objects.get_or_create(
        version="1", defaults={"text_zh": ZH, "text_en": EN, "in_force_from": IN_FORCE_FROM}
    )


class Migration(migrations.Migration):
    dependencies = [("infants", "0006_consent_texts")]
    operations = [migrations.RunPython(first_version, migrations.RunPython.noop)]
