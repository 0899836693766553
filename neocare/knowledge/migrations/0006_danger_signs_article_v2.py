"""The starter "danger signs" article, second draft (a clinical read of issue #15): every danger
sign counts whether or not the baby looks yellow, a blue colour is one of them, and for a
seizure or a blue colour the first step is 120. Applied only to the untouched first draft; an
article someone has edited or reviewed is theirs. Still a draft: it needs clinical review.
"""

import importlib

from django.db import migrations

BODY_ZH = """\
宝宝出现下面**任何一种**情况，不论黄疸仪读数是多少、看起来黄不黄，都是急症（可能是**急性胆红素脑病**或其他危重情况）：

- **嗜睡、难以唤醒**，反应差；
- **吃奶差 / 拒奶**；
- **尖声哭叫**；
- **颈部或背部后仰（角弓反张）**；
- **抽搐（惊厥）**：如两眼上翻、一抽一抽；
- **嘴唇或脸色发紫（青紫）**，或呼吸暂停。

**抽搐或发紫：请立即拨打 120。**其他情况：**请立即带宝宝去最近的医院急诊**；宝宝情况很差时，也请拨打 120。不要等下次测量，也不要等医生回电话。

到医院后请出示 NeoCare 的短信或应用记录，方便医生了解宝宝的读数。"""

BODY_EN = """\
If your baby has **any one** of these, it is an emergency whatever the meter says and whether
or not your baby looks yellow (it may be **acute bilirubin encephalopathy** or another serious
illness):

- **very sleepy, hard to wake**, not responding as usual;
- **poor feeding** or refusing feeds;
- a **high-pitched cry**;
- **arching** of the neck or back;
- **seizures** (fits): eyes rolling up, rhythmic jerking;
- **blue lips or face**, or pauses in breathing.

**Seizures or a blue colour: call 120 now.** Otherwise **take your baby to the nearest
hospital emergency department now**; if your baby is very unwell, call 120 too. Do not wait
for the next measurement or for a call back.

At the hospital, show the NeoCare SMS or the app's record so the doctors see the readings."""

SOURCE_ADDED = (
    " Seizures and a blue colour: programme policy emergency_signs_beyond_guideline "
    "(docs/clinical-rules.md)."
)


def second_draft(apps, schema_editor):
    Article = apps.get_model("knowledge", "Article")
    starter = importlib.import_module("neocare.knowledge.migrations.0003_tags_and_starter_articles")
    first = next(a for a in starter.ARTICLES if a["slug"] == "danger-signs")
    article = Article.objects.filter(
        slug="danger-signs",
        status="draft",
        body_zh_md=first["body_zh_md"],
        body_en_md=first["body_en_md"],
    ).first()
    if article is None:
        return
    article.body_zh_md, article.body_en_md = BODY_ZH, BODY_EN
    article.source = first["source"] + SOURCE_ADDED
    article.search_text = starter._search_text(
        {
            "title_zh": article.title_zh,
            "title_en": article.title_en,
            "body_zh_md": BODY_ZH,
            "body_en_md": BODY_EN,
        }
    )
    article.save()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0005_starter_education_rules")]

    operations = [migrations.RunPython(second_draft, migrations.RunPython.noop)]
