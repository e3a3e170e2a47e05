import pytest

from briefing.text import (
    canonical_url,
    clean_summary,
    clean_title,
    fold,
    html_to_text,
    safe_url,
    strip_controls,
    title_from_summary,
    truncate,
)

ESCAPES = [
    "\x1b]0;PWNED\x1b\\",
    "\x1b]0;PWNED\x07",
    "\x1b[2J",
    "\x1b]8;;https://evil/\x1b\\x\x1b]8;;\x1b\\",
    "\x1b]52;c;ZXZpbA==\x1b\\",
    "\x9b2J",
    "\x1bP+q\x1b\\",
    "invoice\u202egnp.exe",
    "a\u2066b\u2069c",
    "zero\u200bwidth\ufeff",
    "nul\x00byte\x7f",
]


@pytest.mark.parametrize("payload", ESCAPES)
def test_strip_controls_leaves_no_escape_c1_or_bidi(payload):
    cleaned = strip_controls(f"Headline {payload} tail")
    assert cleaned.startswith("Headline ") and cleaned.endswith(" tail")
    for ch in cleaned:
        code = ord(ch)
        assert code >= 0x20 or ch in "\n\t"
        assert not 0x7F <= code <= 0x9F
        assert ch not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200e\u200f\ufeff"
    assert "PWNED" not in cleaned and "]52;" not in cleaned and "evil" not in cleaned


def test_strip_controls_keeps_scripts_and_joiners():
    text = "Ստեփանակերտ Степанакерт Xankəndi می\u200cخواهم"
    assert strip_controls(text) == text


def test_html_title_becomes_one_plain_line():
    raw = "<b>Shelling</b> in <script>alert(1)</script>Stepanakert<br/>second &amp; line"
    assert clean_title(raw) == "Shelling in Stepanakert second & line"


def test_entities_decoded_after_tags_so_they_stay_text():
    assert clean_title("&lt;script&gt;alert(1)&lt;/script&gt;") == "<script>alert(1)</script>"


def test_entity_encoded_controls_never_survive():
    title = clean_title("a&#x1b;]0;PWNED&#x7; b &#0;c &#x9b;2J")
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in title)
    # feedparser itself decodes &#x1b; into a real ESC; the whole sequence then goes
    assert clean_title("a\x1b]0;PWNED\x07 b") == "a b"


def test_summary_keeps_paragraphs_and_caps_length():
    summary = clean_summary("<p>One.</p><p>Two.</p>" + "word " * 2000)
    assert summary.startswith("One.\nTwo.")
    assert len(summary) <= 4000 and summary.endswith("…")


def test_title_cap_cuts_at_word():
    title = clean_title("word " * 200)
    assert len(title) <= 300 and title.endswith("word…")


def test_title_from_summary_takes_first_sentence_words():
    assert title_from_summary("Sirens sounded in Stepanakert. More later.") == "Sirens sounded in Stepanakert."
    long = title_from_summary(" ".join(f"w{i}" for i in range(40)))
    assert long.endswith("…") and len(long.split()) == 14


@pytest.mark.parametrize(
    "raw",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "file:///etc/passwd", "data:text/html,x", "vbscript:x",
     " java\tscript:alert(1)", "mailto:x@y", "//", "http://", "http://[::1", "ftp://example.org/x"],
)
def test_safe_url_refuses_non_http(raw):
    assert safe_url(raw) is None


def test_safe_url_resolves_relative_against_base():
    assert safe_url("/news/1", base="https://example.org/feed.xml") == "https://example.org/news/1"
    assert safe_url("javascript:x", base="https://example.org/") is None


def test_canonical_url_recognises_copies():
    a = canonical_url("HTTPS://Example.ORG:443/a?utm_source=x&id=5#frag")
    assert a == canonical_url("https://example.org/a?id=5")
    assert canonical_url("http://example.org:80/a") == canonical_url("https://example.org/a")
    assert canonical_url("http://example.org:8080/a") != canonical_url("https://example.org:8080/b")


def test_html_to_text_shortcuts_give_what_the_regexes_give():
    """html_to_text skips regex passes for plain ASCII; these are the cases the shortcuts must not change."""
    assert html_to_text("<p> One </p>\n \n<p>Two</p>") == "One\nTwo"
    assert html_to_text(" a \r\n\t b  \u00a0c\n\n") == "a\nb c"
    assert html_to_text("<Script>x</SCRIPT>y") == "y"
    assert html_to_text("<SCRİPT>x</script>y") == "y"  # İ folds to i in the regex, not in str.lower
    assert strip_controls("a\tb\nc") == "a\tb\nc"
    assert strip_controls("a\x0bb\x1b[2Jc") == "abc"


def test_safe_url_gives_what_urljoin_gives_for_absolute_links():
    # the base's scheme: urljoin rebuilds the link (an empty '?' or '#' goes); another scheme: kept as it is
    assert safe_url("https://ex.org/a?", base="https://ex.org/feed") == "https://ex.org/a"
    assert safe_url("https://ex.org/a#", base="https://ex.org/feed") == "https://ex.org/a"
    assert safe_url("http://ex.org/a?", base="https://ex.org/feed") == "http://ex.org/a?"
    assert safe_url("https://ex.org:99999/a", base="https://ex.org/") is None


def test_canonical_url_of_plain_links():
    assert canonical_url("http://Ex.org/a?utm_source=x&b=1#f") == "https://ex.org/a?b=1"
    assert canonical_url("https://ex.org?a=1") == "https://ex.org/?a=1"
    assert canonical_url("HTTP://ex.org") == "https://ex.org/"


def test_fold_handles_azerbaijani_and_keeps_scripts():
    assert fold("Bakı") == fold("BAKI") == "baki"
    assert fold("Xankəndi") == "xankendi"
    assert fold("İlham Əliyev") == "ilham eliyev"
    assert fold("Şuşa") == "susa"
    assert fold("СТЕПАНАКЕРТ") == "степанакерт"
    assert fold("ՍՏԵՓԱՆԱԿԵՐՏ") == "ստեփանակերտ"


def test_truncate_is_identity_under_limit():
    assert truncate("short", 10) == "short"
