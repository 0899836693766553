"""Danger words in a parent's question: answered at once with the emergency advice.

The source is DOMAIN.md, "Urgent signs that override the numbers": poor feeding, lethargy,
high-pitched cry, arching — possible acute bilirubin encephalopathy, an emergency whatever the
number. Issue #15 also names seizures and a blue colour, which DOMAIN.md does not list; the
programme treats them as an emergency too (policy `emergency_signs_beyond_guideline`,
docs/clinical-rules.md). Each word reports a sign the guideline engine knows (the Observation
fields of the same names), in GLOSSARY.md's Chinese and the words parents use: the question's
observation goes through the engine like any other (an emergency alert, the system refers).

Pale stools or dark urine (DOMAIN.md: possible biliary atresia, refer within days) are not an
emergency: a question that names them is recorded as that observation (the engine opens a
doctor review) and waits for the doctor's answer like any question — also when it names a
danger sign as well.

Matching is deliberately wide: a word counts wherever it appears, because a false emergency
costs a phone call and a missed one costs a brain — except right after a negation ("没有抽搐",
"no seizures"): that is recorded as *mentioned, unconfirmed* and asks a doctor's call today,
never as the sign (issue #26; policy `QUESTION_NEGATED_SIGN`, settings). Known traps are
guarded: 不吃奶粉 / 不吃奶瓶 (a feeding choice), 淤青发紫 (a bruise), "fits" (the cap fits),
白天大便 (daytime), 尿布 (the nappy). Vaguer words are not emergencies; those that
still ask a doctor today (`DOCTOR_TODAY_WORDS`: yellow palms or soles, fever, feeding less,
"sleeps all the time", very yellow urine — which asks rather than asserts dark urine) shorten
the answer to `QUESTION_DOCTOR_TODAY_HOURS` and reach the doctor at once (issue #26).
"""

import re

# Engine sign → words that report it (GLOSSARY.md's terms and parents' everyday words).
SIGN_WORDS: dict[str, tuple[str, ...]] = {
    "poor_feeding": (
        "不吃奶",
        "拒奶",
        "拒乳",
        "吃奶差",
        "不肯吃奶",
        "吸吮无力",
        "没力气吸",
        "not feeding",
        "won't feed",
        "refusing feeds",
        "feeding poorly",
    ),
    "lethargy": (
        "叫不醒",
        "睡不醒",
        "叫不应",
        "嗜睡",
        "难以唤醒",
        "反应差",
        "没反应",
        "软绵绵",
        "won't wake",
        "not waking",
        "hard to wake",
        "floppy",
        "limp",
        "unresponsive",
    ),
    "high_pitched_cry": (
        "尖叫",
        "尖声哭",
        "哭声尖",
        "哭声刺耳",
        "high-pitched cry",
        "high pitched cry",
    ),
    "arching": ("角弓反张", "身体后仰", "背部后仰", "往后仰", "打挺", "反弓", "arching"),
    "seizures": (
        "抽搐",
        "抽筋",
        "抽风",
        "惊厥",
        "翻白眼",
        "两眼上翻",
        "眼睛发直",
        "一抽一抽",
        "手脚抽动",
        "seizure",
        "convulsion",
        "a fit",
        "fitting",
        "jerking",
    ),
    "blue_colour": (
        "发紫",
        "青紫",
        "发青",
        "发绀",
        "紫绀",
        "嘴唇青",
        "嘴唇紫",
        "呼吸暂停",
        "不呼吸",
        "turning blue",
        "went blue",
        "blue lips",
        "cyanosis",
        "stopped breathing",
    ),
}
# Words that ask a doctor's answer today, not an emergency (issue #26; sign-off listed).
DOCTOR_TODAY_WORDS: dict[str, tuple[str, ...]] = {
    "yellow_palms_soles": (
        "手心黄",
        "手心发黄",
        "手掌黄",
        "手掌发黄",
        "脚心黄",
        "脚心发黄",
        "脚底黄",
        "脚底发黄",
        "手脚心黄",
        "yellow palms",
        "yellow soles",
    ),
    "fever": ("发烧", "发热", "体温高", "高烧", "fever"),
    "feeding_less": (
        "吃奶少",
        "吃得少",
        "奶量少",
        "奶量减少",
        "吃得不多",
        "feeding less",
        "eating less",
    ),
    "sleeps_all_the_time": (
        "一直睡",
        "总是睡",
        "老是睡",
        "整天睡",
        "特别能睡",
        "sleeps all the time",
        "sleeping all the time",
    ),
    "yellow_urine": (
        "尿很黄",
        "尿特别黄",
        "尿发黄",
        "小便很黄",
        "小便发黄",
        "yellow urine",
        "yellow pee",
    ),
}
# A negation right before a sign's word: "没有抽搐", "no seizures", "hasn't had a fit".
_NEGATED_ZH = re.compile(r"(?:没有|没再|没|无|不|未|并未|从未|没出现|没有出现|没见|没看到)\s*$")
_NEGATED_EN = re.compile(
    r"(?<![a-z])(?:no|not|never|without|hasn't had|has not had|didn't have|did not have|"
    r"isn't|is not|wasn't|was not|no more|no sign of|no signs of)\s+(?:any\s+)?$"
)

# Chinese words that would also match a harmless phrase: what must not follow or precede.
_NOT_AFTER = {"不吃奶": "[粉瓶嘴]", "拒奶": "[粉瓶嘴]", "不肯吃奶": "[粉瓶嘴]"}
_NOT_BEFORE = {"发紫": "淤青|瘀青|淤血", "青紫": "淤|瘀", "发青": "淤|瘀"}

# Pale stools: the colour before or after the word for stool, a few characters apart.
_STOOL = "(?:大便|便便|粪便|粑粑|臭臭|屎)"
_PALE = (
    "(?:发白|白色|灰白|变白|偏白|米白|米色|灰色|发灰|奶油色|淡黄|浅色|变浅|颜色浅|有点浅|很浅|"
    "偏浅|陶土)"
)
PALE_STOOL_PATTERNS = (
    re.compile(f"{_STOOL}.{{0,6}}{_PALE}"),
    re.compile(f"(?<!白天){_PALE}.{{0,3}}(?<!白天){_STOOL}"),
    re.compile(
        r"(?<![a-z])(?:pale|white|whitish|grey|gray|clay[- ]coloured|chalky)\s+"
        r"(?:stool|poo|poop)s?(?![a-z])"
    ),
    re.compile(
        r"(?<![a-z])(?:stool|poo|poop)s?\s+(?:is|are|look|looks|seem|seems)\s+(?:very\s+)?"
        r"(?:pale|white|whitish|grey|gray|chalky)(?![a-z])"
    ),
)
# Dark urine: the urine word not as part of the nappy (尿布, 尿不湿, 尿片).
_URINE = "(?:尿(?![布不片])|小便)"
DARK_URINE_PATTERNS = (
    # "尿很黄" (very yellow) asks rather than asserts: a doctor today (DOCTOR_TODAY_WORDS).
    re.compile(f"{_URINE}.{{0,4}}(?:深黄|黄色很深|颜色深|很深|浓茶|茶色|发褐|褐色)"),
    re.compile(r"(?<![a-z])dark\s+(?:urine|pee|wee)(?![a-z])"),
    re.compile(r"(?<![a-z])(?:urine|pee|wee)\s+(?:is|looks)\s+(?:very\s+)?dark(?![a-z])"),
)


def _pattern(word: str) -> re.Pattern:
    if word.isascii():
        # English: whole words, plural allowed ("seizures"), never inside another word
        # ("benefits", "searching").
        return re.compile(rf"(?<![a-z]){re.escape(word)}s?(?![a-z])")
    before = f"(?<!{_NOT_BEFORE[word]})" if word in _NOT_BEFORE else ""
    after = f"(?!{_NOT_AFTER[word]})" if word in _NOT_AFTER else ""
    return re.compile(before + re.escape(word) + after)


_PATTERNS = [(word, sign, _pattern(word)) for sign, words in SIGN_WORDS.items() for word in words]


def _normalise(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("wont ", "won't ")


def danger_in(text: str) -> tuple[list[str], set[str]]:
    """The danger words found in `text` (in the order of the table) and the engine signs they
    report; a word found only right after a negation does not count (see `mentioned_in`)."""
    words, signs, _mentioned = signs_in(text)
    return words, signs


def mentioned_in(text: str) -> list[str]:
    """Danger words found only right after a negation ("没有抽搐"): mentioned, unconfirmed."""
    return signs_in(text)[2]


def signs_in(text: str) -> tuple[list[str], set[str], list[str]]:
    normal = _normalise(text)
    words, signs, mentioned = [], set(), []
    for word, sign, pattern in _PATTERNS:
        found = [m for m in pattern.finditer(normal)]
        if not found:
            continue
        if all(_negated(normal, m.start(), word) for m in found):
            mentioned.append(word)
        else:
            words.append(word)
            signs.add(sign)
    return words, signs, mentioned


def _negated(text: str, start: int, word: str) -> bool:
    before = text[max(0, start - 40) : start]
    return bool((_NEGATED_EN if word.isascii() else _NEGATED_ZH).search(before))


_TODAY = [(w, _pattern(w)) for words in DOCTOR_TODAY_WORDS.values() for w in words] + [
    # "手心和脚心都黄了": palms or soles, then yellow, within the same clause.
    ("手心/脚心黄", re.compile(r"(?:手心|手掌|脚心|脚底|足底)[^。！？，,.!?]{0,6}黄")),
    # "吃奶也比以前少", "奶量比昨天少了": feeding, then less, within the same clause.
    ("吃奶少", re.compile(r"(?:吃奶|奶量|吃得|喝奶)[^。！？，,.!?]{0,6}少")),
    # "一直在睡", "总是在睡觉": asleep all the time.
    ("一直睡", re.compile(r"(?:一直|总是|老是|整天)[^。！？，,.!?]{0,2}睡")),
    # "叫不太醒": hard to wake, said softly — a doctor today (叫不醒 is an emergency).
    ("叫不太醒", re.compile(r"叫不太醒|不太好叫醒|很难叫醒")),
]


def doctor_today_in(text: str) -> list[str]:
    """Words that ask a doctor's answer today (not an emergency), unless negated."""
    normal = _normalise(text)
    found = []
    for word, pattern in _TODAY:
        matches = list(pattern.finditer(normal))
        if matches and not all(_negated(normal, m.start(), word) for m in matches):
            found.append(word)
    return found


def pale_stool_in(text: str) -> bool:
    """Whether the question names pale stools (not an emergency: a doctor review)."""
    normal = _normalise(text)
    return any(pattern.search(normal) for pattern in PALE_STOOL_PATTERNS)


def dark_urine_in(text: str) -> bool:
    """Whether the question names dark urine (with pale stools, DOMAIN.md's sign of possible
    biliary atresia: a doctor review)."""
    normal = _normalise(text)
    return any(pattern.search(normal) for pattern in DARK_URINE_PATTERNS)
