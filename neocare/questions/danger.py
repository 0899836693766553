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

Matching is deliberately wide: a word counts wherever it appears, even negated ("没有抽搐"),
because a false emergency costs a phone call and a missed one costs a brain. Known traps are
guarded: 不吃奶粉 / 不吃奶瓶 (a feeding choice), 淤青发紫 (a bruise), "fits" (the cap fits),
白天大便 (daytime), 尿布 (the nappy). Vaguer words (没精神, 吃得少) are left to the doctor's
answer: they would send every tired baby to the emergency department (listed for sign-off).
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
    re.compile(
        f"{_URINE}.{{0,4}}(?:很黄|特别黄|发黄|深黄|黄色很深|颜色深|很深|浓茶|茶色|发褐|褐色)"
    ),
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
    report."""
    normal = _normalise(text)
    words, signs = [], set()
    for word, sign, pattern in _PATTERNS:
        if pattern.search(normal):
            words.append(word)
            signs.add(sign)
    return words, signs


def pale_stool_in(text: str) -> bool:
    """Whether the question names pale stools (not an emergency: a doctor review)."""
    normal = _normalise(text)
    return any(pattern.search(normal) for pattern in PALE_STOOL_PATTERNS)


def dark_urine_in(text: str) -> bool:
    """Whether the question names dark urine (with pale stools, DOMAIN.md's sign of possible
    biliary atresia: a doctor review)."""
    normal = _normalise(text)
    return any(pattern.search(normal) for pattern in DARK_URINE_PATTERNS)
