"""Parsing hostile and broken documents (hostile-feeds rows 1–8, 13, 15, 18, 24–26)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
import xml.sax
from datetime import UTC, datetime

import pytest
from loopback import Response, item, rss

from briefing.fetch.parse import normalize_date, parse_feed, strip_dtd

NOW = datetime(2023, 9, 20, 12, 0, tzinfo=UTC)
URL = "https://example.org/feed.xml"


def parse(body: bytes, **kw):
    return parse_feed(body, url=URL, now=NOW, **kw)


def test_plain_rss_entry_is_clean():
    feed = parse(rss(item("g1", "Sirens in Stepanakert", link="/a/1", summary="&lt;p&gt;Text&lt;/p&gt;",
                          date="Tue, 19 Sep 2023 09:00:00 GMT")))
    assert not feed.fatal and feed.error is None
    [entry] = feed.entries
    assert entry.title == "Sirens in Stepanakert"
    assert entry.summary == "Text"
    assert entry.link == "https://example.org/a/1"
    assert entry.published == datetime(2023, 9, 19, 9, 0, tzinfo=UTC)
    assert entry.guid == "g1"


def test_atom_feed():
    body = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
    <entry><id>urn:1</id><title type="html">&lt;b&gt;Bold&lt;/b&gt; claim</title>
    <link href="https://example.org/1"/><updated>2023-09-19T10:00:00Z</updated>
    <content type="html">&lt;p&gt;Longer content wins over summary&lt;/p&gt;</content>
    <summary>short</summary></entry></feed>"""
    [entry] = parse(body).entries
    assert entry.title == "Bold claim"
    assert entry.summary == "Longer content wins over summary"


def test_billion_laughs_is_not_expanded():
    body = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>&lol9;</title></item></channel></rss>"""
    started = time.monotonic()
    feed = parse(body)
    assert time.monotonic() - started < 2
    assert all(len(e.title) < 300 and "lollol" not in e.title for e in feed.entries)


def test_quadratic_blowup_is_defused():
    # one flat 100 KB entity referenced 1000 times: 100 M characters if expanded
    entity = "B" * 100_000
    refs = "&a;" * 1000
    body = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{entity}">]>'
            f'<rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>{refs}</title>'
            "</item></channel></rss>").encode()
    started = time.monotonic()
    feed = parse(body)
    assert time.monotonic() - started < 3
    assert all(len(e.title) <= 300 and len(e.summary) <= 4000 for e in feed.entries)


def test_strip_dtd_removes_internal_subset_and_entities():
    body = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "]">]><x>&a;</x>'
    assert b"ENTITY" not in strip_dtd(body) and b"DOCTYPE" not in strip_dtd(body)
    assert strip_dtd(b'<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "x.dtd"><rss/>') == b"<rss/>"


def test_external_entity_is_never_fetched(server):
    canary = server.route("/canary", Response(200, b"SECRET"))
    body = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "{canary}">]>'
            '<rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>x &xxe; y</title>'
            "</item></channel></rss>").encode()
    file_body = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                 b'<rss version="2.0"><channel><item><guid>1</guid><title>&xxe;</title></item></channel></rss>')
    feeds = [parse(body), parse(file_body)]
    assert server.hits("/canary") == 0
    for feed in feeds:
        assert all("SECRET" not in e.title and "root:" not in e.title for e in feed.entries)


def test_sax_parser_is_expat():
    import feedparser.api

    import briefing.fetch.parse  # noqa: F401  (sets feedparser's parser preference)

    assert feedparser.api.PREFERRED_XML_PARSERS == []
    assert type(xml.sax.make_parser()).__module__ == "xml.sax.expatreader"


def test_malformed_xml_keeps_what_can_be_recovered():
    body = rss(item("1", "Good one"), item("2", "Broken & bare ampersand <b>unclosed"))
    feed = parse(body)
    assert not feed.fatal
    assert next(e.title for e in feed.entries) == "Good one"
    assert feed.error and "malformed" in feed.error


@pytest.mark.parametrize(
    ("body", "reason"),
    [(b"", "empty"), (b"   \n", "empty"), (b"<html><body><p>Hello</p></body></html>", "not a feed"),
     (b"\x89PNG\r\n\x1a\n\x00\x00", "")],
)
def test_not_a_feed_is_fatal_with_reason(body, reason):
    feed = parse(body)
    assert feed.fatal and feed.entries == ()
    assert reason in feed.error


def test_script_and_markup_in_titles_become_text():
    feed = parse(rss(item("1", "&lt;script&gt;alert(1)&lt;/script&gt;Breaking [/bold] news [@click=app.quit]x[/]")))
    [entry] = feed.entries
    assert entry.title == "Breaking [/bold] news [@click=app.quit]x[/]"  # stored as text; escaped on display


def test_escape_sequences_from_character_references_are_removed():
    feed = parse(rss(item("1", "a&#0;b &#x1b;]0;PWNED&#x7; c &#x1b;[2J d")))
    [entry] = feed.entries
    assert "\x1b" not in entry.title and "\x00" not in entry.title and "PWNED" not in entry.title
    assert entry.title.startswith("a") and entry.title.endswith("d")


def test_javascript_and_file_links_are_dropped():
    feed = parse(rss(item("1", "x", link="javascript:alert(document.cookie)"),
                     item("2", "y", link="file:///etc/shadow"),
                     item("3", "z", link="data:text/html,hi")))
    assert [e.link for e in feed.entries] == [None, None, None]


@pytest.mark.parametrize(
    "date",
    ["Tue, 31 Dec 9999 00:00:00 GMT", "3000-01-01T00:00:00Z", "0000-00-00T00:00:00Z", "1252245600",
     "not a date", "mer, 16 nov 2022 10:00:00 +0100", "Fri, 31 Dec 9999 23:00:00 -1200",
     "Mon, 01 Jan 0001 00:00:00 +1200"],
)
def test_absurd_or_unparseable_dates_become_unknown(date):
    [entry] = parse(rss(item("1", "x", date=date))).entries
    assert entry.published is None


def test_slightly_future_date_is_clamped_to_now():
    [entry] = parse(rss(item("1", "x", date="Wed, 20 Sep 2023 15:00:00 GMT"))).entries
    assert entry.published == NOW


def test_normalize_date_rejects_struct_time_with_negative_year():
    assert normalize_date((-1, 11, 30, 0, 0, 0, 0, 1, 0), NOW) is None


def test_guid_does_not_change_with_content_location():
    body = rss(item("12345", "x"))
    a = parse_feed(body, url="https://example.com/feed", content_type="application/rss+xml", now=NOW)
    b = parse_feed(body, url="https://www.example.com/blog/feed", now=NOW)
    assert a.entries[0].guid == b.entries[0].guid == "12345"


def test_entries_without_guid_fall_back_to_link_then_hash():
    feed = parse(rss("<title>only title</title><link>https://example.org/x</link>", "<title>nothing else</title>"))
    assert feed.entries[0].guid == "https://example.org/x"
    assert feed.entries[1].guid.startswith("sha1:")


def test_duplicate_guids_in_one_document_are_merged():
    feed = parse(rss(item("same", "first"), item("same", "second")))
    assert [e.title for e in feed.entries] == ["first"]


def test_item_without_title_gets_one_from_summary():
    feed = parse(rss("<guid>1</guid><description>Shelling reported near Askeran. Details follow.</description>"))
    assert feed.entries[0].title == "Shelling reported near Askeran."


def test_long_fields_are_capped():
    feed = parse(rss(item("1", "t" * 5000, summary="s " * 10_000)))
    assert len(feed.entries[0].title) <= 300 and len(feed.entries[0].summary) <= 4000


def test_undeclared_cyrillic_encoding_is_detected():
    text = "<?xml version='1.0'?><rss version='2.0'><channel><title>т</title>" + "".join(
        f"<item><guid>{i}</guid><title>Минобороны Азербайджана заявило о начале операции в Карабахе {i}</title></item>"
        for i in range(5)
    ) + "</channel></rss>"
    feed = parse(text.encode("koi8-r"), content_type="application/xml")
    assert feed.entries[0].title.startswith("Минобороны Азербайджана")


def test_json_feed_is_read_and_type_checked():
    body = (b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": ['
            b'{"id": "1", "title": "Hello", "content_html": "<p>Body</p>", "url": "https://e.org/1",'
            b' "date_published": "2023-09-19T09:00:00Z"},'
            b'{"id": 2, "title": ["not", "a", "string"], "content_text": "text only"}, "junk"]}')
    feed = parse(body, content_type="application/feed+json")
    assert [e.title for e in feed.entries] == ["Hello", "text only"]
    assert feed.entries[0].published == datetime(2023, 9, 19, 9, 0, tzinfo=UTC)
    assert parse(b'{"items": 5}').fatal


def test_parse_survives_in_a_memory_limited_process():
    """The quadratic blowup must fit comfortably in 512 MB (it took 2.9 GB undefended)."""
    script = textwrap.dedent(
        """
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (512 * 1024**2, 512 * 1024**2))
        from briefing.fetch.parse import parse_feed
        body = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "' + 'B' * 100000 + '">]>'
                '<rss version="2.0"><channel><item><guid>1</guid><title>' + '&a;' * 10000 +
                '</title></item></channel></rss>').encode()
        feed = parse_feed(body, url="https://e.org/")
        print(max((len(e.title) for e in feed.entries), default=0))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) <= 300


# ---------------------------------------------------------------- the expat fast path (fetch/fastxml.py)

FAST_CASES = {
    "windows-1251": b'<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><item>'
                    b"<title>x</title></item></channel></rss>",
    "xml:base": b'<rss version="2.0" xml:base="https://a/"><channel><item><title>x</title></item></channel></rss>',
    "rdf": b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
           b"<item><title>x</title></item></rdf:RDF>",
    "xhtml": b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="xhtml"><div '
             b'xmlns="http://www.w3.org/1999/xhtml">x</div></title></entry></feed>',
    "html entity": b'<rss version="2.0"><channel><item><title>a&nbsp;b</title></item></channel></rss>',
    "media:description": b'<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item>'
                         b"<title>x</title><media:description>y</media:description></item></channel></rss>",
    "empty item": b'<rss version="2.0"><channel><item><guid>1</guid></item></channel></rss>',
    "odd date": rss(item("1", "x", date="mer, 16 nov 2022 10:00:00 +0100")),
    "markup in a field": b'<rss version="2.0"><channel><item><title>x</title><description><p>y</p></description>'
                         b"</item></channel></rss>",
}


@pytest.mark.parametrize("case", FAST_CASES)
def test_fast_path_leaves_what_it_does_not_model_to_feedparser(case):
    from briefing.fetch.fastxml import Unsupported, parse_fast

    body = FAST_CASES[case]
    with pytest.raises(Unsupported):
        parse_fast(body, content_type="application/rss+xml", content_language=None)
    parse(body)  # and the whole parse still works


def test_fast_path_reads_plain_rss_and_atom():
    from briefing.fetch.fastxml import parse_fast

    plain = parse_fast(rss(item("g1", "Sirens", link="/a/1", summary="&lt;p&gt;Text&lt;/p&gt;",
                                date="Tue, 19 Sep 2023 09:00:00 GMT")), content_type=None, content_language=None)
    [entry] = plain["entries"]
    assert (entry["id"], entry["title"], entry["link"]) == ("g1", "Sirens", "/a/1")
    assert entry["date"] == datetime(2023, 9, 19, 9, 0, tzinfo=UTC)
    atom = parse_fast(b'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="hy"><title>A</title><entry><id>urn:1'
                      b'</id><title>T</title><link href="https://x/1"/><published>2023-09-19T13:00:00+04:00'
                      b"</published></entry></feed>", content_type=None, content_language=None)
    assert atom["language"] == "hy" and atom["entries"][0]["date"] == datetime(2023, 9, 19, 9, 0, tzinfo=UTC)


def test_fast_path_and_feedparser_agree_on_the_corpus(monkeypatch):
    """Every corpus document the fast path reads gives exactly the entries feedparser gives."""
    import re

    from conftest import SHARED

    import briefing.fetch.parse as parse_module
    from briefing.fetch.fastxml import Unsupported, parse_fast

    corpus = SHARED / "feedcorpus"
    if not (corpus / "MANIFEST.tsv").exists():
        pytest.skip("../shared/feedcorpus is absent")
    header = re.compile(rb"^Header:\s*([A-Za-z-]+):\s*(.+?)\s*$", re.M)
    lines = (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    read_fast = 0
    for path in (corpus / line.split("\t", 1)[0] for line in lines if line.strip()):
        body = path.read_bytes()
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in header.findall(body[:1000])}
        kwargs = {"content_type": headers.get("content-type"), "content_language": headers.get("content-language")}
        try:
            parse_fast(strip_dtd(body), **kwargs)
        except Unsupported:
            continue
        read_fast += 1
        fast = parse(body, **kwargs)
        with monkeypatch.context() as m:
            m.setattr(parse_module, "parse_fast", lambda *a, **k: (_ for _ in ()).throw(Unsupported("off")))
            slow = parse(body, **kwargs)
        assert (fast.title, fast.link, fast.ttl, fast.error) == (slow.title, slow.link, slow.ttl, slow.error), path
        assert fast.entries == slow.entries, path
    assert read_fast > 80


def test_rss_ttl_is_read_on_both_paths(monkeypatch):
    import briefing.fetch.parse as parse_module
    from briefing.fetch.fastxml import Unsupported

    body = rss(item("1", "x"), extra="<ttl>60</ttl>")
    assert parse(body).ttl == 3600
    monkeypatch.setattr(parse_module, "parse_fast", lambda *a, **k: (_ for _ in ()).throw(Unsupported("off")))
    assert parse(body).ttl == 3600


@pytest.mark.parametrize(
    ("stamp", "hour", "minute"),
    [("Tue, 19 Sep 2023 09:00:00 +0400", 5, 0), ("Tue, 19 Sep 2023 09:00:00 -0130", 10, 30),
     ("Tue, 19 Sep 2023 09:00:00 -0000", 9, 0), ("19 Sep 2023 09:00 GMT", 9, 0)],
)
def test_rss_dates_with_zones_become_utc(stamp, hour, minute):
    [entry] = parse(rss(item("1", "x", date=stamp))).entries
    assert entry.published == datetime(2023, 9, 19, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize("stamp", ["9999-12-31T23:00:00-12:00", "0001-01-01T00:00:00+12:00"])
def test_atom_dates_out_of_range_become_unknown(stamp):
    body = (f'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><title>x</title>'
            f"<published>{stamp}</published></entry></feed>").encode()
    [entry] = parse(body).entries
    assert entry.published is None
