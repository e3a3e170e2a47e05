"""The filter language: every token, its errors (with positions and hints), hostile text."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from briefing.errors import BriefingError
from briefing.errors import FilterError as BaseFilterError
from briefing.query import COUNT_CAP, Filter, FilterError, format_count, parse_filter

NOW = datetime(2023, 9, 20, 12, 30, tzinfo=UTC)  # 16:30 in Yerevan
YEREVAN = ZoneInfo("Asia/Yerevan")
PLACES = {"khankendi": ("Stepanakert / Khankendi",), "stepanakert": ("Stepanakert / Khankendi",),
          "lachin": ("Lachin / Berdzor", "Lachin corridor")}  # fmt: skip
ACTORS = {"pashinyan": ("nikol-pashinyan",), "aliyev": ("ilham-aliyev",)}


def parse(text: str) -> Filter:
    return parse_filter(text, now=NOW, tz=YEREVAN, places=lambda n: PLACES.get(n.lower(), ()),
                        actors=lambda n: ACTORS.get(n.lower(), ()))  # fmt: skip


def error(text: str) -> FilterError:
    with pytest.raises(FilterError) as info:
        parse(text)
    return info.value


def test_empty_and_blank_filters_are_empty():
    for text in ("", "   ", None):
        flt = parse_filter(text, now=NOW)
        assert flt.is_empty and flt == Filter(source=flt.source)
    assert not parse("shelling").is_empty
    assert not parse("-shelling").is_empty


def test_free_text_words_are_prefixes_phrases_exact():
    flt = parse('shelling "Lachin corridor" evacuat*')
    assert flt.text == '"shelling"* AND "Lachin corridor" AND "evacuat"*'
    assert flt.words == ("shelling", "lachin corridor", "evacuat")
    assert flt.source == 'shelling "Lachin corridor" evacuat*'


def test_short_words_match_exactly_unless_starred():
    assert parse("UN").text == '"UN"'
    assert parse("un*").text == '"un"*'


def test_hostile_text_never_crashes_and_never_leaks_fts_syntax():
    for text in [
        "C++",
        "AT&T",
        '"unbalanced',
        'a"b',
        '"',
        '""',
        "-",
        "--",
        "+",
        "@",
        "*",
        "NEAR(a b)",
        "a OR b",
        "l'Arménie",
        "\x1b[31mred",
        "Ստեփանակերտ",
        "Xankəndi",
        "(((",
        "^x",
        "a AND",
        "foo:",
        "MoD:",
        "http://example.com/x?y=1",
        "10:30",
        "{a}",
        "x'); DROP TABLE items;--",
    ]:
        flt = parse(text)
        outside_quotes = re.sub(r'"[^"]*"', "", flt.text + " " + flt.exclude_text)
        assert set(outside_quotes) <= set("* ANDOT()R"), (text, flt.text)
    assert parse("C++").text == '"C"'
    assert parse("AT&T").text == '"AT T"'
    assert parse("a OR b").text == '"a" AND "OR" AND "b"'  # operators are words here
    assert parse("Xankəndi").text == '"Xankendi"*'  # Azerbaijani schwa folded as the index folds it


def test_unclosed_quote_is_a_phrase_being_typed():
    assert parse('"lachin corr').text == '"lachin corr"*'


def test_exclusions():
    flt = parse('evacuation -"red cross" -shelling')
    assert flt.text == '("evacuation"*) NOT ("red cross" OR "shelling"*)' and flt.exclude_text == ""
    only = parse("-shelling")
    assert only.text == "" and only.exclude_text == '"shelling"*'
    assert parse("-side:russia").exclude_sides == ("russia",)
    assert parse("-place:lachin").exclude_places == ("Lachin / Berdzor", "Lachin corridor")
    assert parse("-actor:aliyev").exclude_actors == ("ilham-aliyev",)
    assert parse("-source:TASS").exclude_sources == ("tass",)
    assert parse("-lang:ru").exclude_languages == ("ru",)


def test_side_prefixes_aliases_and_or():
    assert parse("side:azerbaijan").sides == ("azerbaijan",)
    assert parse("side:az side:Arm").sides == ("azerbaijan", "armenia")
    assert parse("side:artsakh").sides == ("karabakh",)
    assert parse("SIDE:intl").sides == ("international",)


def test_side_errors():
    e = error("shelling side:a")
    assert e.position == 9 and "ambiguous" in str(e) and "side:armenia" in str(e) and "side:azerbaijan" in str(e)
    e = error("side:mars")
    assert e.position == 0 and "unknown side" in str(e) and "azerbaijan" in str(e)


def test_place_and_actor_resolve_through_the_gazetteer():
    assert parse("place:khankendi").places == ("Stepanakert / Khankendi",)
    assert parse("place:khankendi place:stepanakert place:lachin").places == (
        "Stepanakert / Khankendi", "Lachin / Berdzor", "Lachin corridor")  # fmt: skip
    assert parse("actor:Pashinyan actor:aliyev").actors == ("nikol-pashinyan", "ilham-aliyev")
    assert parse('place:"lachin"').places[0] == "Lachin / Berdzor"


def test_unknown_place_or_actor_is_an_error_with_a_hint():
    e = error("shelling place:xyz")
    assert e.position == 9 and 'no place matches "xyz"' in str(e) and "place:stepanakert" in str(e)
    e = error("actor:nobody")
    assert e.position == 0 and 'no actor matches "nobody"' in str(e) and "actor:pashinyan" in str(e)


def test_real_gazetteer_is_the_default():
    from briefing import classify

    if not hasattr(classify, "find_places"):
        pytest.skip("no gazetteer yet")
    assert "Stepanakert / Khankendi" in parse_filter("place:khankendi", now=NOW).places
    assert "nikol-pashinyan" in parse_filter("actor:pashinyan", now=NOW).actors
    assert parse_filter("actor:nikol-pashinyan", now=NOW).actors == ("nikol-pashinyan",)  # an id works too
    with pytest.raises(FilterError, match="no place matches"):
        parse_filter("place:qqqqzz", now=NOW)


def test_empty_field_value_says_what_to_write():
    e = error("shelling place:")
    assert e.position == 9 and "place: needs a value" in str(e) and "place:stepanakert" in str(e)
    assert "at 10" in str(e)  # the message counts from 1, like an editor's column


def test_unknown_field_suggests_the_right_one():
    e = error("sid:az")
    assert e.position == 0
    assert str(e).startswith('unknown field "sid:" at 1 — ')
    assert "side:" in str(e) and "actor:" in str(e) and "lang:" in str(e)
    assert error("colour:red").position == 0


def test_things_that_look_like_fields_but_are_text():
    assert parse("MoD: shelling").text == '"MoD"* AND "shelling"*'
    assert parse("10:30").text == '"10 30"'
    assert parse("https://example.com").text == '"https example com"*'


def test_source_and_lang():
    flt = parse("source:Reuters source:azatutyun lang:RU lang:en-GB")
    assert flt.sources == ("reuters", "azatutyun") and flt.languages == ("ru", "en-gb")
    e = error("lang:english")
    assert "not a language code" in str(e) and e.position == 0


def test_flags():
    flt = parse("+unread +starred")
    assert flt.unread and flt.starred and not flt.is_empty
    e = error("x +urgent")
    assert e.position == 2 and "+unread" in str(e)
    assert parse("+1").text == '"1"'  # not a flag


def test_relative_times():
    assert parse("@6h").since == datetime(2023, 9, 20, 6, 30, tzinfo=UTC)
    assert parse("@2d").since == datetime(2023, 9, 18, 12, 30, tzinfo=UTC)
    assert parse("@30m").since == datetime(2023, 9, 20, 12, 0, tzinfo=UTC)
    assert parse("@6h").until is None


def test_today_and_yesterday_are_local_days():
    today = parse("@today")
    assert today.since == datetime(2023, 9, 19, 20, 0, tzinfo=UTC) and today.until is None  # 00:00 Yerevan
    yesterday = parse("@yesterday")
    assert (yesterday.since, yesterday.until) == (datetime(2023, 9, 18, 20, 0, tzinfo=UTC),
                                                   datetime(2023, 9, 19, 20, 0, tzinfo=UTC))  # fmt: skip


def test_since_and_until_clock_times():
    flt = parse("@since:06:00 @until:14:00")
    assert flt.since == datetime(2023, 9, 20, 2, 0, tzinfo=UTC)
    assert flt.until == datetime(2023, 9, 20, 10, 0, tzinfo=UTC)


def test_dates_and_ranges_include_whole_days():
    day = parse("@2023-09-19")
    assert (day.since, day.until) == (datetime(2023, 9, 18, 20, tzinfo=UTC), datetime(2023, 9, 19, 20, tzinfo=UTC))
    span = parse("@2023-09-19..2023-09-21")
    assert (span.since, span.until) == (datetime(2023, 9, 18, 20, tzinfo=UTC), datetime(2023, 9, 21, 20, tzinfo=UTC))
    open_end = parse("@2023-09-19..")
    assert open_end.since == day.since and open_end.until is None
    times = parse("@2023-09-19T06:00..2023-09-19T18:00")
    assert times.until - times.since == datetime(2023, 9, 19, 18) - datetime(2023, 9, 19, 6)


def test_time_errors():
    e = error("shelling @lastweek")
    assert e.position == 9 and "@today" in str(e) and "@6h" in str(e)
    assert "keep one" in str(error("@6h @today"))
    assert "ends before it starts" in str(error("@2023-09-21..2023-09-19"))
    assert "cannot exclude" in str(error("-@6h"))
    assert error("@2023-13-45").position == 0
    assert error("@since:").position == 0


def test_fields_and_values_combine():
    flt = parse("shelling side:az place:khankendi actor:aliyev @today +unread -lang:ru")
    assert flt.text == '"shelling"*' and flt.sides == ("azerbaijan",) and flt.places == ("Stepanakert / Khankendi",)
    assert flt.actors == ("ilham-aliyev",) and flt.unread and flt.since is not None
    assert flt.exclude_languages == ("ru",)


def test_filter_error_is_a_briefing_error():
    e = error("sid:x")
    assert isinstance(e, BaseFilterError) and isinstance(e, BriefingError) and e.exit_code == 2


def test_smart_quotes_are_quotes():
    assert parse("“Lachin corridor”").text == '"Lachin corridor"'


def test_filters_are_hashable_values():
    assert parse("side:az shelling") == parse("side:az shelling")
    assert len({parse("a"), parse("a"), parse("b")}) == 2


def test_format_count():
    assert format_count(12) == "12"
    assert format_count(COUNT_CAP) == f"{COUNT_CAP:,}+"


def test_add_words_narrows_with_plain_words():
    from briefing.query import add_words

    flt = add_words(parse("side:az -shelling"), "sid:x AT&T")
    assert flt.text == '"sid x" AND "AT T"' and flt.exclude_text == '"shelling"*' and flt.sides == ("azerbaijan",)
    assert add_words(parse("x"), "  ") == parse("x")


def test_the_filter_language_never_imports_textual():
    code = "import sys, briefing.query, briefing.store.search; print('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
