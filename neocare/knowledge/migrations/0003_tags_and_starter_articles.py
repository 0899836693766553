"""The eight tags and a starter set of twelve articles for parents, all drafts.

Every deployment gets them as drafts: none is public until a clinician reviews and publishes it
(admin → Articles). Numbers come only from DOMAIN.md (or the programme's rules in
docs/clinical-rules.md, which cite it); each article names its source. Chinese terms follow
GLOSSARY.md.

Migrations never import app code, so the search text is made here by a frozen copy of
services.search_text_of (same libraries, same steps); an edit in the admin re-makes it.
Loading is idempotent (by tag code and article slug) and never overwrites an edited article.
"""

import html
import unicodedata

import markdown
import nh3
from django.db import migrations

TAGS = [
    ("jaundice", "黄疸", "Jaundice"),
    ("stool_colour", "大便颜色", "Stool colour"),
    ("feeding", "喂养", "Feeding"),
    ("meter_use", "黄疸仪使用", "Using the meter"),
    ("photos", "皮肤照片", "Skin photos"),
    ("after_phototherapy", "光疗后", "After phototherapy"),
    ("danger_signs", "危险征象", "Danger signs"),
    ("growth", "体重与生长", "Weight and growth"),
]

AAP = (
    "AAP 2022: Kemper et al., Clinical Practice Guideline Revision: Management of "
    "Hyperbilirubinemia in the Newborn Infant 35 or More Weeks of Gestation, Pediatrics "
    "2022;150(3):e2022058859"
)

ARTICLES = [
    {
        "slug": "what-is-newborn-jaundice",
        "tags": ["jaundice"],
        "title_zh": "什么是新生儿黄疸？",
        "title_en": "What is newborn jaundice?",
        "body_zh_md": """\
新生儿黄疸是指宝宝的皮肤和眼白发黄。这是因为血液里一种叫**胆红素**的物质偏多。

黄疸很常见：大约 60% 的足月儿和 80% 的早产儿都会出现肉眼可见的黄疸。大多数黄疸会自己消退，对宝宝没有伤害。

但少数宝宝的胆红素会升得很高（重度高胆红素血症）。如果不及时治疗，可能损伤大脑，引起**胆红素脑病**，甚至**核黄疸**，造成终身残疾。这种情况是可以预防的：及时测量、及时光疗。

最需要留意的是出生后的头一到两周，而且大多发生在出院回家以后。所以请按时用家用经皮黄疸仪测量，并把读数记录到应用里。""",
        "body_en_md": """\
Newborn jaundice is a yellow colour of the baby's skin and the whites of the eyes. It happens
when there is too much of a substance called **bilirubin** in the blood.

Jaundice is common: about 60% of babies born at term and 80% of babies born early become
visibly yellow. Most jaundice goes away by itself and does the baby no harm.

In a few babies bilirubin rises very high. Without treatment this can harm the brain
(**bilirubin encephalopathy**, and **kernicterus**, a lifelong disability). This can be
prevented: measure on time, and treat with phototherapy when needed.

The time to watch most closely is the first one to two weeks, mostly after you go home. Please
measure with the home meter when the app asks, and enter each reading.""",
        "source": f"DOMAIN.md, “The programme”; {AAP}.",
    },
    {
        "slug": "how-jaundice-changes-in-the-first-weeks",
        "tags": ["jaundice"],
        "title_zh": "黄疸在头几周会怎样变化？",
        "title_en": "How jaundice changes over the first weeks",
        "body_zh_md": """\
胆红素在出生后的头几天往往会上升，之后再慢慢下降。每个宝宝的变化不一样，所以不能只看宝宝的肤色，要看**测量值**和宝宝出生后的**小时龄**（比如“出生后 40 小时”）。

同一个数值，对出生 20 小时的宝宝可能已经太高，对出生 5 天的宝宝却可能没问题。NeoCare 会按宝宝的小时龄和胎龄，用 AAP 2022 的光疗阈值来判断，并告诉您**下次测量**的时间。

请一直测量到医生或短信告诉您可以停止为止。如果读数在下降、宝宝吃奶好、精神好，这是好的迹象。

如果宝宝满 2 周（人工喂养或混合喂养）或满 3 周（纯母乳喂养）时皮肤或眼白还是黄的，请去看医生（见“迁延性黄疸”一文）。""",
        "body_en_md": """\
Bilirubin usually rises over the first days after birth and then slowly falls. Every baby is
different, so do not judge by skin colour: what counts is the **measured value** and the baby's
**age in hours** (for example “40 hours after birth”).

The same number can be too high for a baby 20 hours old and fine for a baby 5 days old.
NeoCare compares each reading with the AAP 2022 phototherapy threshold for your baby's age in
hours and gestational age, and tells you when to **measure next**.

Keep measuring until your doctor or our SMS tells you that you can stop. Falling readings, good
feeding and a baby who is alert are good signs.

If the skin or the whites of the eyes are still yellow at 2 weeks (formula or mixed feeding) or
3 weeks (breastfed only), see a doctor (see “Prolonged jaundice”).""",
        "source": (
            f"{AAP} (hour-specific thresholds); DOMAIN.md, “Units and age”, “Urgent signs that "
            "override the numbers”; docs/clinical-rules.md (mixed feeding: day 14, programme "
            "policy)."
        ),
    },
    {
        "slug": "using-the-home-meter",
        "tags": ["meter_use"],
        "title_zh": "如何使用家用经皮黄疸仪并录入读数",
        "title_en": "Using the home meter and entering a reading",
        "body_zh_md": """\
家用经皮黄疸仪测的是**经皮胆红素（TcB）**：把仪器贴在宝宝皮肤上，按说明书指定的部位测量。它不用抽血，但和医院抽血化验的**血清总胆红素（TSB）**不是一回事。

录入读数时请注意：

- **单位要选对。** 国内的黄疸仪和化验单大多用 **μmol/L**；也有仪器显示 **mg/dL**。1 mg/dL = 17.1 μmol/L。请照仪器屏幕上的单位选择，不要自己换算。把 mg/dL 的数字当成 μmol/L 录入，结果会差很多；系统发现这种可疑数值会提醒核对。
- **时间要准确。** 录入实际测量的时间，而不是录入的时间。宝宝的阈值是按小时龄计算的。
- 离线时也可以录入，联网后应用会自动上传。

黄疸仪在读数较高时往往偏低。所以当读数接近或超过光疗阈值时，医生会安排抽血测 TSB 来确认。这不是仪器坏了，而是规范的做法。""",
        "body_en_md": """\
The home meter measures **transcutaneous bilirubin (TcB)**: you hold it against the baby's
skin at the place its instructions show. No blood is taken, but it is not the same as the
hospital's blood test, **total serum bilirubin (TSB)**.

When you enter a reading:

- **Choose the right unit.** Most meters and labs in China show **µmol/L**; some meters show
  **mg/dL**. 1 mg/dL = 17.1 µmol/L. Choose the unit on the meter's screen; do not convert
  yourself. A mg/dL number entered as µmol/L is very different; the system flags values that
  look like this so they are checked.
- **Enter the time you measured**, not the time you type it in: your baby's thresholds depend
  on the age in hours.
- You can enter readings offline; the app sends them when it is back online.

Meters tend to read low when bilirubin is high. So when a reading is close to or above the
phototherapy threshold, the doctor will arrange a blood test (TSB) to confirm it. The meter is
not broken; this is the usual practice.""",
        "source": (
            "DOMAIN.md, “Units and age”, “AAP 2022 thresholds” (TcB confirmed by TSB), "
            f"“Populations” (meters under-read at high values); docs/api-rules.md; {AAP}."
        ),
    },
    {
        "slug": "stool-colour-card",
        "tags": ["stool_colour", "danger_signs"],
        "title_zh": "婴儿大便比色卡：大便颜色变浅要当天看医生",
        "title_en": "The stool colour card: pale stools mean seeing a doctor the same day",
        "body_zh_md": """\
请每天用**婴儿大便比色卡**对照宝宝的大便颜色，并在应用里录入卡上的编号（1–6 号）。

- **4–6 号**（黄色、绿色等）是正常颜色。
- **1–3 号**是**大便颜色变浅（发白）**，像白陶土一样。

大便颜色变浅或尿色很深（像浓茶），可能是**胆道闭锁**——一种肝脏胆管的疾病。它需要尽早手术，大约在出生 60 天前手术效果明显更好，所以不能等。

**看到 1–3 号的颜色，请当天联系您的社区医生**，不要等到下次复查。录入后，社区医生也会收到预警。""",
        "body_en_md": """\
Every day, compare your baby's stool with the **stool colour card** and enter the card's number
(1–6) in the app.

- **Numbers 4–6** (yellow, green) are normal colours.
- **Numbers 1–3** are **pale stools**, pale like clay or chalk.

Pale stools, or very dark urine (like strong tea), can be a sign of **biliary atresia**, a
disease of the bile ducts of the liver. It needs surgery early — results are much better before
about 60 days of age — so it cannot wait.

**If you see colours 1–3, contact your community doctor the same day**; do not wait for the
next check. When you enter it, your community doctor also gets an alert.""",
        "source": (
            "DOMAIN.md, “Urgent signs that override the numbers” (pale stools, biliary atresia, "
            "surgery before about 60 days); docs/api-rules.md (stool card 1–6, 1–3 pale); "
            "docs/clinical-rules.md (pale stool: community doctor review)."
        ),
    },
    {
        "slug": "feeding-and-jaundice",
        "tags": ["feeding", "growth"],
        "title_zh": "喂养与黄疸",
        "title_en": "Feeding and jaundice",
        "body_zh_md": """\
胆红素主要随大便排出。宝宝吃得好，大便就多，胆红素也更容易排出去。

**纯母乳喂养**本身很好，但如果母乳量不够、宝宝吃得少，黄疸加重的风险会更高。请留意：

- 宝宝每天吃奶的次数，在应用里录入；
- 宝宝是否**吃奶差 / 拒奶**、很难叫醒来吃奶——这是需要马上处理的危险征象；
- 体重**较出生体重下降**超过 10%，说明吃进去的奶可能不够（见“体重与生长”一文）。

不要给宝宝喂水或葡萄糖水来“退黄”，AAP 2022 不推荐这样做。如果担心奶量，请联系社区医生或母乳喂养咨询。""",
        "body_en_md": """\
Bilirubin leaves the body mostly in the stools. A baby who feeds well has more stools and gets
rid of bilirubin more easily.

**Breastfeeding only** is good, but if there is not enough milk yet and the baby takes too
little, jaundice is more likely to become a problem. Watch:

- how many feeds a day your baby has, and enter it in the app;
- **poor feeding** or a baby too hard to wake for feeds — a danger sign that needs help now;
- **weight loss** of more than 10% of birth weight, which suggests the baby is not getting
  enough (see “Weight and growth”).

Do not give water or glucose water to “clear” jaundice; AAP 2022 does not recommend it. If you
worry about your milk, contact your community doctor or a breastfeeding adviser.""",
        "source": (
            "DOMAIN.md, “Risk factors for developing significant hyperbilirubinaemia” "
            "(exclusive breastfeeding with suboptimal intake), “Urgent signs” (poor feeding; "
            f"weight loss above 10%); {AAP} (no water or dextrose water supplementation)."
        ),
    },
    {
        "slug": "taking-a-skin-photo",
        "tags": ["photos"],
        "title_zh": "如何用校准卡拍宝宝的皮肤照片",
        "title_en": "Taking a skin photo with the calibration card",
        "body_zh_md": """\
应用可以通过皮肤照片估计黄疸程度。拍照时请把**校准卡**放在宝宝的额头或胸口，让皮肤从卡中间的小窗露出来。卡上的标准颜色能帮系统校正灯光和手机相机带来的偏色。

拍好照片的要点：

- 卡片要完整、够大地出现在画面里；
- 光线均匀，不要太亮（反光）或太暗；
- 手机拿稳，照片不能模糊；
- 小窗里要能看到宝宝的皮肤。

如果照片不能用，应用会告诉您要改进的那一点，请按提示重拍。

请记住：照片给出的是**照片估测值，仅供筛查，不是测量值**。如果估测值偏高，医生会请您用黄疸仪测量，或安排抽血化验。照片不能代替黄疸仪测量。""",
        "body_en_md": """\
The app can estimate jaundice from a photo of the skin. Lay the **calibration card** on your
baby's forehead or chest so the skin shows through the window in its middle. The card's known
colours let the system correct for the room's light and the phone's camera.

For a good photo:

- the whole card is in the picture, and not too small;
- the light is even, not too bright (glare) or too dark;
- hold the phone still, so the photo is sharp;
- the baby's skin shows in the window.

If a photo cannot be used, the app tells you the one thing to fix; please take it again.

Remember: a photo gives a **photo estimate; it only screens and is not a measurement**. If the
estimate is high, the doctor will ask for a meter reading or a blood test. A photo does not
replace the meter.""",
        "source": (
            "DOMAIN.md, “Photos” (screening, never a measurement); docs/calibration-card.md "
            "(card on forehead or sternum, quality checks); GLOSSARY.md (照片估测值)."
        ),
    },
    {
        "slug": "after-phototherapy",
        "tags": ["after_phototherapy"],
        "title_zh": "光疗结束以后",
        "title_en": "After phototherapy",
        "body_zh_md": """\
光疗（照蓝光）能降低胆红素。光疗停止后，胆红素有时会再次升高，这叫**光疗后反弹**。所以出院回家后还要继续测量。

以下宝宝反弹的风险更高：

- 胎龄不足 38 周；
- 出生 48 小时内就开始光疗；
- 有溶血（例如 ABO 溶血、Rh 溶血、G6PD 缺乏症（蚕豆病））。

有这些情况的宝宝，一般在光疗停止后 6–12 小时复测一次，第二天再测一次；其他宝宝在第二天复测。具体时间以医生和短信通知为准。

光疗前的读数已经不能代表现在的情况，请按新的**下次测量**时间测量并录入。""",
        "body_en_md": """\
Phototherapy (the blue light) lowers bilirubin. After it stops, bilirubin sometimes rises
again: this is called **rebound**. That is why measuring continues at home.

Rebound is more likely when:

- the baby was born before 38 weeks;
- phototherapy started within the first 48 hours after birth;
- the baby has haemolysis (for example ABO or Rh disease, or G6PD deficiency).

With any of these, the next check is usually 6–12 hours after phototherapy stops and again the
next day; otherwise the next day. Follow the time your doctor and our SMS give you.

Readings from before phototherapy no longer tell how your baby is now: measure and enter a new
reading at the new **next measurement** time.""",
        "source": (
            "DOMAIN.md, “When to measure next” (after phototherapy: rebound risk factors, 6–12 h "
            f"and the next day; consensus of implementations); {AAP}."
        ),
    },
    {
        "slug": "danger-signs",
        "tags": ["danger_signs"],
        "title_zh": "危险征象：出现这些情况请立即去医院",
        "title_en": "Danger signs: go to hospital now",
        "body_zh_md": """\
如果宝宝有黄疸，同时出现下面**任何一种**情况，不论黄疸仪读数是多少，都可能是**急性胆红素脑病**，是急症：

- **嗜睡、难以唤醒**，反应差；
- **吃奶差 / 拒奶**；
- **尖声哭叫**；
- **颈部或背部后仰（角弓反张）**；
- **抽搐（惊厥）**。

**请立即带宝宝去最近的医院急诊。**宝宝情况很差时，请拨打 **120**。不要等下次测量，也不要等医生回电话。

到医院后请出示 NeoCare 的短信或应用记录，方便医生了解宝宝的读数。""",
        "body_en_md": """\
If your baby is jaundiced and has **any one** of these, it may be **acute bilirubin
encephalopathy** — an emergency, whatever the meter says:

- **very sleepy, hard to wake**, not responding as usual;
- **poor feeding** or refusing feeds;
- a **high-pitched cry**;
- **arching** of the neck or back;
- **seizures** (fits).

**Take your baby to the nearest hospital emergency department now.** If your baby is very
unwell, call **120**. Do not wait for the next measurement or for a call back.

At the hospital, show the NeoCare SMS or the app's record so the doctors see the readings.""",
        "source": (
            "DOMAIN.md, “Urgent signs that override the numbers” (poor feeding, lethargy, "
            "high-pitched cry, arching: an emergency whatever the number); GLOSSARY.md; "
            f"{AAP}."
        ),
    },
    {
        "slug": "prolonged-jaundice",
        "tags": ["jaundice", "stool_colour"],
        "title_zh": "迁延性黄疸：满 2 周或 3 周还黄怎么办",
        "title_en": "Prolonged jaundice: still yellow at 2 or 3 weeks",
        "body_zh_md": """\
大多数宝宝的黄疸在头两周内消退。如果到下面的时间宝宝的皮肤或眼白**还是黄的**，叫**迁延性黄疸**：

- **人工喂养或混合喂养**：满 2 周（14 天）；
- **纯母乳喂养**：满 3 周（21 天）。

这时请带宝宝去看医生，抽血检查**总胆红素和直接（结合）胆红素**。这能发现需要尽早治疗的肝脏问题，比如胆道闭锁。

同时请继续用婴儿大便比色卡看大便颜色：大便颜色变浅（发白）要当天联系社区医生。到时 NeoCare 也会发短信提醒您。""",
        "body_en_md": """\
For most babies jaundice fades within the first two weeks. If the skin or the whites of the
eyes are **still yellow** at these ages, it is called **prolonged jaundice**:

- **formula or mixed feeding**: at 2 weeks (14 days);
- **breastfeeding only**: at 3 weeks (21 days).

Then take your baby to a doctor for a blood test of **total and direct (conjugated)
bilirubin**. It finds liver problems that need early treatment, such as biliary atresia.

Keep checking the stool colour with the card: pale stools mean contacting your community doctor
the same day. NeoCare also sends you a reminder at that age.""",
        "source": (
            "DOMAIN.md, “Urgent signs that override the numbers” (prolonged jaundice: 2 weeks "
            "formula-fed, 3 weeks breastfed; total and direct bilirubin); docs/clinical-rules.md "
            "(mixed feeding at 14 days, programme policy)."
        ),
    },
    {
        "slug": "weight-and-growth",
        "tags": ["growth", "feeding"],
        "title_zh": "头几周的体重与生长",
        "title_en": "Weight and growth in the first weeks",
        "body_zh_md": """\
新生儿在出生后的头几天体重会先下降一些，这是常见的。但下降太多说明宝宝吃进去的奶可能不够，而吃得少会让黄疸更容易加重。

如果宝宝的体重**较出生体重下降超过 10%**，NeoCare 会请您在 24 小时内给宝宝测一次胆红素，并提醒社区医生关注。

请用同一台秤、在相近的时间（比如喂奶前）称重，并把体重（克）录入应用。录入时请核对单位：3.2 公斤要写成 3200 克。

如果宝宝吃奶差、尿少、很难叫醒，请不要等下次称重，立即联系医生（见“危险征象”一文）。""",
        "body_en_md": """\
Newborns lose some weight in the first days after birth; this is common. Losing too much means
the baby may not be getting enough milk, and feeding too little makes jaundice more likely to
become a problem.

If your baby's weight is **more than 10% below the birth weight**, NeoCare asks for a
bilirubin measurement within 24 hours and lets your community doctor know.

Weigh on the same scale at a similar time (for example before a feed), and enter the weight in
grams in the app. Check the unit: 3.2 kg is 3200 g.

If your baby feeds poorly, has few wet nappies or is hard to wake, do not wait for the next
weighing: contact a doctor now (see “Danger signs”).""",
        "source": (
            "DOMAIN.md, “Urgent signs that override the numbers” (weight loss above 10% of birth "
            "weight: suboptimal intake); docs/clinical-rules.md (a measurement within 24 h, "
            "programme policy)."
        ),
    },
    {
        "slug": "jaundice-in-the-first-24-hours",
        "tags": ["jaundice", "danger_signs"],
        "title_zh": "出生 24 小时内出现黄疸为什么要紧",
        "title_en": "Why jaundice in the first 24 hours is urgent",
        "body_zh_md": """\
大多数黄疸在出生一天以后才出现。如果在**出生后 24 小时内**就看到宝宝发黄，胆红素可能升得很快，常见原因是**溶血**（例如 ABO 溶血、Rh 溶血、G6PD 缺乏症（蚕豆病））。

这种情况需要**在几小时内**抽血测**血清总胆红素（TSB）**。请马上联系医生或去医院，不要等到第二天。

读数上升得很快（无论哪一天）也是同样的警告信号，NeoCare 会提醒医生。

在广东，G6PD 缺乏症（蚕豆病）比较常见（约 3.5% 的新生儿），男孩更多见。如果家里有人患蚕豆病，或哥哥姐姐曾经因黄疸需要光疗或换血治疗，请告诉医生。""",
        "body_en_md": """\
Most jaundice appears after the first day. If your baby looks yellow **within the first 24
hours after birth**, bilirubin may be rising fast, often because of **haemolysis** (for example
ABO or Rh disease, or G6PD deficiency).

This needs a **total serum bilirubin (TSB)** blood test **within hours**. Contact a doctor or go
to hospital now; do not wait until the next day.

Readings that rise quickly (on any day) are the same warning; NeoCare tells the doctor.

In Guangdong, G6PD deficiency is common (about 3.5% of newborns), more often in boys. Tell the
doctor if someone in the family has G6PD deficiency, or if a brother or sister needed
phototherapy or an exchange transfusion for jaundice.""",
        "source": (
            "DOMAIN.md, “Urgent signs that override the numbers” (jaundice in the first 24 hours: "
            "TSB within hours; rapid rise), “Risk factors for developing significant "
            f"hyperbilirubinaemia”, “Populations” (G6PD in Guangdong about 3.5%); {AAP}."
        ),
    },
    {
        "slug": "what-the-sms-mean",
        "tags": ["meter_use", "danger_signs"],
        "title_zh": "项目短信是什么意思",
        "title_en": "What the programme's SMS mean",
        "body_zh_md": """\
NeoCare 的短信以【新生儿黄疸随访】开头。常见的有：

- **读数已收到**：告诉您这次读数意味着什么，以及**下次测量**的时间，例如“请在 11月30日 09:00 前复测”。
- **测量提醒**：到了该测的时间还没有收到读数时发送。
- **转诊**：请您**当天**带宝宝去短信里写的医院，附地址。请带上这条短信。
- **紧急转诊**：请**立即**带宝宝去该医院急诊；宝宝情况很差时请拨打 120。
- **照片结果**：照片估测值，仅供筛查，不是测量值；或者请您重拍照片。

晚上 21:00 到早上 08:00 之间，一般的短信会推迟到早上再发；**紧急短信随时发送**。

回复 TD 退订后将不再收到任何提醒，包括紧急通知，请慎重。""",
        "body_en_md": """\
NeoCare's SMS start with “NeoCare”. The usual ones:

- **Reading received**: what this reading means and when to **measure next**, for example
  “measure again before 30 Nov 09:00”.
- **Reminder**: sent when a measurement is due and has not arrived.
- **Referral**: take your baby to the hospital named in the message **today**; the address is
  included. Bring the message.
- **Emergency referral**: take your baby to that hospital's emergency department **now**; if
  your baby is very unwell, call 120.
- **Photo result**: a photo estimate, which only screens and is not a measurement; or a request
  to take the photo again.

Between 21:00 and 08:00 ordinary messages wait until the morning; **urgent messages are sent at
any time**.

Replying TD (or STOP) stops every message, urgent ones included; think before you do.""",
        "source": (
            "DOMAIN.md, “The programme” (readings and SMS); docs/messaging.md and README, "
            "“Alerts, referrals and messages” (message kinds, quiet hours 21:00–08:00 for "
            "non-urgent messages, TD/STOP opt-out); GLOSSARY.md."
        ),
    },
]


def _plain(text):
    rendered = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return html.unescape(nh3.clean(rendered, tags=set()))


def _search_text(fields):
    # Frozen copy of neocare.knowledge.services.search_text_of.
    parts = [fields["title_zh"], fields["title_en"]]
    parts += [_plain(fields["body_zh_md"]), _plain(fields["body_en_md"])]
    return " ".join(unicodedata.normalize("NFKC", "\n".join(parts)).lower().split())


def load_starter_set(apps, schema_editor):
    Tag = apps.get_model("knowledge", "Tag")
    Article = apps.get_model("knowledge", "Article")
    tags = {}
    for code, name_zh, name_en in TAGS:
        tags[code], _ = Tag.objects.get_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en}
        )
    for entry in ARTICLES:
        fields = {key: value for key, value in entry.items() if key not in ("slug", "tags")}
        article, created = Article.objects.get_or_create(
            slug=entry["slug"],
            defaults={**fields, "status": "draft", "search_text": _search_text(fields)},
        )
        if created:
            article.tags.set([tags[code] for code in entry["tags"]])


def unload_starter_set(apps, schema_editor):
    Tag = apps.get_model("knowledge", "Tag")
    Article = apps.get_model("knowledge", "Article")
    # Only what is still an untouched draft; a reviewed article is someone's work.
    Article.objects.filter(slug__in=[a["slug"] for a in ARTICLES], status="draft").delete()
    Tag.objects.filter(articles__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_trigram_extension_on_postgresql")]

    operations = [migrations.RunPython(load_starter_set, unload_starter_set)]
