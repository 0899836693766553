"""Danger words in a parent's question: answered at once with the emergency advice.

The source is DOMAIN.md, "Urgent signs that override the numbers": poor feeding, lethargy,
high-pitched cry, arching — possible acute bilirubin encephalopathy, an emergency whatever the
number. Issue #15 also names seizures and a blue colour, which DOMAIN.md does not list; the
programme treats them as an emergency too (policy `emergency_signs_beyond_guideline`,
docs/clinical-rules.md). Each word reports a sign the guideline engine knows (the Observation
fields of the same names), in GLOSSARY.md's Chinese and the words parents use: the question's
observation goes through the engine like any other (an emergency alert, the system refers).

Pale stools (DOMAIN.md: possible biliary atresia, refer within days) are not an emergency: a
question that names them is recorded as a pale-stool observation (the engine opens a doctor
review) and waits for the doctor's answer like any question.

Matching is deliberately wide: a word counts wherever it appears, even negated ("没有抽搐"),
because a false emergency costs a phone call and a missed one costs a brain.
"""

import re

# Engine sign → words that report it.
SIGN_WORDS: dict[str, tuple[str, ...]] = {
    "poor_feeding": ("不吃奶", "拒奶", "吃奶差", "not feeding", "won't feed", "refusing feeds"),
    "lethargy": (
        "叫不醒",
        "嗜睡",
        "难以唤醒",
        "反应差",
        "won't wake",
        "not waking",
        "hard to wake",
    ),
    "high_pitched_cry": ("尖叫", "尖声哭叫", "high-pitched cry", "high pitched cry"),
    "arching": ("角弓反张", "身体后仰", "背部后仰", "arching"),
    "seizures": ("抽搐", "抽筋", "惊厥", "seizure", "fits", "convulsion"),
    "blue_colour": ("发紫", "青紫", "发绀", "turning blue", "blue lips"),
}
# Pale stools: Chinese writes the colour before or after 大便/便便/粪便, a few characters apart.
_STOOL = "(?:大便|便便|粪便|屎)"
_PALE = "(?:发白|白色|灰白|变白|偏白|浅色|变浅|颜色浅|有点浅|很浅|偏浅|陶土)"
PALE_STOOL_PATTERNS = (
    re.compile(f"{_STOOL}.{{0,6}}{_PALE}"),
    re.compile(f"{_PALE}.{{0,3}}{_STOOL}"),
    re.compile(
        r"(?<![a-z])(?:pale|white|whitish|grey|gray|clay[- ]coloured|chalky)\s+"
        r"(?:stool|poo|poop)s?(?![a-z])"
    ),
)


def _pattern(word: str) -> re.Pattern:
    if word.isascii():
        # English: whole words, plural allowed ("seizures"), never inside another word
        # ("benefits", "searching").
        return re.compile(rf"(?<![a-z]){re.escape(word)}s?(?![a-z])")
    return re.compile(re.escape(word))


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
