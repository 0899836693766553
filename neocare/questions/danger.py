"""Danger words in a parent's question: answered at once with the emergency advice.

The source is DOMAIN.md, "Urgent signs that override the numbers": poor feeding, lethargy,
high-pitched cry, arching — possible acute bilirubin encephalopathy, an emergency whatever the
number. Each is a sign the guideline engine knows (`risk_model.guideline.DANGER_SIGNS`, the
Observation fields of the same names), in GLOSSARY.md's Chinese and the words parents use.

Issue #15 also names seizures and a blue colour. They are answered as emergencies too (never
lower urgency), but the engine has no sign for them, so no observation is recorded for them:
they raise no alert of their own (a decision for the programme's clinicians; see the report).

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
}
# Emergencies the engine has no sign for (issue #15's list beyond DOMAIN.md).
UNSIGNED_WORDS: tuple[str, ...] = ("抽搐", "惊厥", "发紫", "seizure", "fits", "convulsion")


def _pattern(word: str) -> re.Pattern:
    if word.isascii():
        # English: whole words, plural allowed ("seizures"), never inside another word
        # ("benefits", "searching").
        return re.compile(rf"(?<![a-z]){re.escape(word)}s?(?![a-z])")
    return re.compile(re.escape(word))


_PATTERNS = [
    (word, sign, _pattern(word))
    for sign, words in [*SIGN_WORDS.items(), *((None, (w,)) for w in UNSIGNED_WORDS)]
    for word in words
]


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
            if sign is not None:
                signs.add(sign)
    return words, signs
