"""Hostile feed text in the brief (hostile-feeds.md row 20): parsed back with markdown-it-py.

The parser runs the GFM-like preset with linkify on (tables, strikethrough and bare-URL links:
the most permissive reading a desk tool might give the file), and the checks are on the token
stream: headings only where the brief puts them, links only ours and only http(s), no raw HTML,
no tables, code, images or emphasis from feed text — and the text itself survives unchanged.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from markdown_it import MarkdownIt
from test_brief import build_fixture, fixed_brief

from briefing.brief import markdown as md
from briefing.brief import render_brief
from briefing.brief.model import BriefData, Report, Source, Story, Window
from briefing.store import StoredItem
from briefing.store.briefs import FeedGap
from briefing.text import one_line

PARSER = MarkdownIt("gfm-like")
T = datetime(2023, 9, 19, 9, 0, tzinfo=UTC)
OUR_HEADINGS = {
    "Key developments", "Latest events", "Actor statements", "Azerbaijan", "Armenia", "Karabakh",
    "Speaker not identified", "Humanitarian access", "International reactions", "Sources and coverage",
    "Since the previous brief",
}  # fmt: skip
FORBIDDEN = {"html_block", "html_inline", "table_open", "code_inline", "code_block", "fence", "image", "s_open",
             "em_open", "strong_open", "blockquote_open", "hr", "ordered_list_open"}  # fmt: skip

# hostile-feeds.md row 20 (a)–(e), and friends
PAYLOADS = [
    ("Great news](https://evil.example/phish) [more", "https://good.example/a"),
    ("<img src=x onerror=alert(1)>", "https://good.example/b"),
    ("Normal\n\n# URGENT: reset your password", "https://good.example/c"),
    ("[Bank]\n\n[bank]: https://evil.example/login", "https://good.example/d"),
    ("Title", "https://good.example/a) [injected](https://evil.example"),
    ("| a | b |\n|---|---|\n| c | d |", "https://good.example/e"),
    ("```\ncode\n```", "https://good.example/f"),
    ("    indented code", "https://good.example/g"),
    ("<script>alert(1)</script>", "javascript:alert(1)"),
    ("&lt;b&gt; &#106;avascript&#58;alert(1) &amp;", "JAVASCRIPT:alert(1)"),
    ("[x](javascript:alert(1)) <javascript:alert(1)> <https://evil.example>", "data:text/html,<b>x</b>"),
    ("Visit www.evil.example, https://evil.example or mail me@evil.example", "https://good.example/h"),
    ("*emph* __strong__ ~~strike~~ `tick` ![img](https://evil.example/x.png)", "https://good.example/i"),
    ("line ends with a backslash \\", "https://good.example/j"),
    ("> quoted\n- list\n1. numbered\n***\n---", "https://good.example/k"),
    ("A heading #", "https://good.example/l"),
    ("Ünïcödé Ստեփանակերտ Xankəndi\u2028next\u2029para", "https://xn--e1afmkfd.example/путь?q=<>\"'"),
]


def item(n: int, title: str, link: str | None, **kw) -> StoredItem:
    values = dict(
        id=n, title=title, summary=kw.pop("summary", title), link=link, published=T, date_estimated=False,
        first_seen=T, language=None, author=None, feed_id=1, feed_name=kw.pop("feed", "Feed <b>[x]</b>"),
        side="armenia", kind="independent", read=False, starred=False, panes=kw.pop("panes", ("events",)),
    )
    values.update(kw)
    return StoredItem(**values)


def hostile_data() -> BriefData:
    stories = []
    for n, (title, link) in enumerate(PAYLOADS, 1):
        it = item(n, title, link, speaker="evil-[actor](https://evil.example)", speaker_side="international",
                  panes=("events", "statements", "reactions", "humanitarian"), places=("# Place <i>",))
        stories.append(Story((Report(it, (Source(it.feed_name, it.side, it.kind, link),)),)))
    window = Window(T.replace(hour=0), T.replace(hour=23), ZoneInfo("Asia/Yerevan"), "Asia/Yerevan")
    gap = FeedGap("Bad <feed>", "armenia", 2, 3, T, T, "HTTP 500 <h1>oops</h1>\n# heading")
    return BriefData(window=window, generated_at=T, stories=tuple(stories), filter_text="x](javascript:y) <b>",
                     watched=(("Quiet [feed](https://evil.example)", None),), gaps=(gap,),
                     actor_names={"evil-[actor](https://evil.example)": "Evil ](https://evil.example) #"})  # fmt: skip


def inline_text(token) -> str:
    return "".join(c.content for c in token.children or [] if c.type in ("text", "softbreak"))


def check_safe(text: str, allowed_links: set[str]) -> list:
    env: dict = {}
    tokens = PARSER.parse(text, env)
    assert "javascript:" not in text.lower()
    for i, token in enumerate(tokens):
        assert token.type not in FORBIDDEN, (token.type, token.map and text.splitlines()[token.map[0]])
        if token.type == "heading_open":
            title = tokens[i + 1].content
            assert title in OUR_HEADINGS or token.tag == "h3" or (token.tag == "h1" and title.startswith("Brief: "))
        for child in token.children or []:
            assert child.type not in FORBIDDEN, (child.type, token.content)
            if child.type == "link_open":
                href = child.attrs["href"]
                assert href.startswith(("https://", "http://")) and href in allowed_links, href
    for label, ref in env.get("references", {}).items():
        assert label.isdigit() and ref["href"] in allowed_links
    return tokens


def normalized(url: str) -> str:
    return PARSER.normalizeLink(url)


def test_row_20_payloads_stay_text_and_links_stay_ours():
    data = hostile_data()
    text = render_brief(data)
    allowed = {normalized(link) for _t, link in PAYLOADS if link.startswith("https://")}
    tokens = check_safe(text, allowed)
    # every hostile title is shown, as the same text, exactly once per section line; each line has one link
    # (its own, unless the link was refused)
    lines = [t for t in tokens if t.type == "inline" and "said, according to" in t.content]
    assert len(lines) == 5 + len(PAYLOADS) * 4  # 5 key developments (none stands out), then every pane
    events = lines[5 : 5 + len(PAYLOADS)]
    for (title, link), line in zip(PAYLOADS, events, strict=True):
        rendered = inline_text(line)
        assert f"“{one_line(title)}”" in rendered, (title, rendered)
        hrefs = [c.attrs["href"] for c in line.children if c.type == "link_open"]
        assert hrefs == ([normalized(link)] if link.startswith("https://") else [])
        assert rendered.split(" — ")[1].startswith("Evil ](https://evil.example) # said, according to Feed <b>[x]</b>")


def test_heading_count_is_ours_alone():
    text = render_brief(hostile_data())
    tokens = PARSER.parse(text)
    headings = [inline_text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[0].startswith("Brief: ")
    assert [h for h in headings[1:] if h not in OUR_HEADINGS] == ["Evil ](https://evil.example) #"]


def test_gap_errors_and_feed_names_are_escaped():
    text = render_brief(hostile_data())
    tokens = check_safe(text, {normalized(link) for _t, link in PAYLOADS})
    rendered = "\n".join(inline_text(t) for t in tokens if t.type == "inline")
    assert "HTTP 500 <h1>oops</h1> # heading" in rendered
    assert "Quiet [feed](https://evil.example) (no side)" in rendered
    assert "Filter: x](javascript:y) <b>" in rendered


@pytest.mark.parametrize("seed", range(5))
def test_any_text_survives_escaping_unchanged(seed):
    """Random strings over Markdown's metacharacters: always one plain-text line that reads back as itself."""
    rng = random.Random(seed)
    alphabet = [*"\\`*_{}[]()<>#+-.!|~&;:/@=\"' \n\tabcxyz019", "www.", "http://", "https://", "javascript:",
                "&amp;", "&#60;", "<!--", "-->", ".com"]
    for _ in range(300):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        line = f"- 09:00 — {md.text(raw)}"
        tokens = PARSER.parse(line)
        assert [t.type for t in tokens] == ["bullet_list_open", "list_item_open", "paragraph_open", "inline",
                                            "paragraph_close", "list_item_close", "bullet_list_close"], raw
        [inline] = [t for t in tokens if t.type == "inline"]
        assert [c.type for c in inline.children] == ["text"], (raw, inline.children)
        assert inline.children[0].content == ("09:00 — " + one_line(raw)).strip(), raw


def test_destination_refuses_and_encodes():
    assert md.destination("javascript:alert(1)") is None
    assert md.destination("data:text/html,x") is None
    assert md.destination("https://a.example/x> [y](https://evil.example)") == \
        "<https://a.example/x%3E%20[y](https://evil.example)>"
    assert md.destination("https://a.example/a\\b") == "<https://a.example/a%5Cb>"


def test_fixture_brief_is_safe(tmp_path):
    db = build_fixture(tmp_path / "f.db")
    text = fixed_brief(db)
    links = ["https://gov.example/1", "https://gov.example/2", "https://mod.gov.example/1", "https://mod.gov.example/2",
             "https://artsakh.example/1", "https://icrc.example/1", "https://news.example/a) [injected](https://evil.example",
             *(f"https://reuters.example/{n}" for n in range(1, 5))]
    allowed = {normalized(u) for u in links}
    check_safe(text, allowed)
    # readable as plain text: every line is ours, short of the feed text inside it
    for line in text.splitlines():
        assert line == "" or line.startswith(("#", "- ", "[", "Generated", "Coverage", "Feeds", "Watched",
                                              "What each", "The previous", "No ")), line


def test_what_an_edited_report_said_before_is_escaped_like_all_feed_text():
    stories = []
    for n, (title, link) in enumerate(PAYLOADS, 1):
        it = item(n, f"Toll rises {n}", link, summary=f"Now {n} dead")
        was = dict(was_title=title) if n % 2 else dict(was_summary=title)
        stories.append(Story((Report(it, (Source(it.feed_name, it.side, it.kind, link),), edited=T, **was),)))
    window = Window(T.replace(hour=0), T.replace(hour=23), ZoneInfo("Asia/Yerevan"), "Asia/Yerevan")
    text = render_brief(BriefData(window=window, generated_at=T, stories=tuple(stories)))
    tokens = check_safe(text, {normalized(link) for _t, link in PAYLOADS if link.startswith("https://")})
    events = [inline_text(t) for t in tokens if t.type == "inline" and "Toll rises" in t.content][-len(PAYLOADS):]
    for n, ((title, _link), line) in enumerate(zip(PAYLOADS, events, strict=True), 1):
        assert "edited 19 Sep 2023 13:00 — According to Feed <b>[x]</b>" in line
        if n % 2:
            assert f"“Toll rises {n}” (was: “{one_line(title)}”) — Now {n} dead" in line, line
        else:
            assert f"“Toll rises {n}” — Now {n} dead (was: {one_line(title)})" in line, line
