from neocare.knowledge.services import markdown_to_html, normalise, plain_text

HOSTILE = """\
## 标题

<script>alert("x")</script>

<img src="x.png" onerror="alert(1)">

[click](javascript:alert(1)) [also](JaVaScRiPt:alert(2)) [data](data:text/html;base64,PHNjcmlwdD4=)

<iframe src="https://evil.example/"></iframe>

<div style="position:fixed" onclick="steal()">raw <b onmouseover="x()">html</b></div>

<a href="https://example.org/" onclick="steal()">a link</a> and **bold** text.
"""


def test_a_hostile_body_renders_without_scripts_handlers_frames_or_bad_links():
    result = markdown_to_html(HOSTILE)

    lowered = result.lower()
    for forbidden in ("<script", "alert(", "onerror", "onclick", "onmouseover", "javascript:"):
        assert forbidden not in lowered
    for forbidden in ("<iframe", "<img", "<div", "<b>", "style=", "data:", "evil.example"):
        assert forbidden not in lowered
    assert "<h2>标题</h2>" in result
    assert '<a href="https://example.org/" rel="noopener noreferrer nofollow">a link</a>' in result
    assert "<strong>bold</strong>" in result


def test_ordinary_markdown_keeps_its_structure():
    text = "段落。\n\n- 一\n- 二\n\n1. first\n2. second\n\n> 引用\n\n[相对](/api/v1/articles/)"

    assert markdown_to_html(text) == (
        "<p>段落。</p>\n<ul>\n<li>一</li>\n<li>二</li>\n</ul>\n<ol>\n<li>first</li>\n"
        "<li>second</li>\n</ol>\n<blockquote>\n<p>引用</p>\n</blockquote>\n"
        '<p><a href="/api/v1/articles/" rel="noopener noreferrer nofollow">相对</a></p>'
    )


def test_search_text_is_plain_nfkc_and_lower_case():
    assert plain_text("**婴儿大便比色卡** <b>x</b> &amp;") == "婴儿大便比色卡 x &"
    assert normalise("ＴｃＢ  读数\nHigh") == "tcb 读数 high"
