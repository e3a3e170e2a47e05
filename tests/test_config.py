"""feeds.toml validation: strict, complete, one line per problem with file, line and key."""

from __future__ import annotations

import pytest

from briefing.config import load_config, parse_duration
from briefing.errors import ConfigError
from briefing.models import PollSettings

GOOD = """
[defaults]
interval = "15m"
language = "en"

[poll]
concurrency = 16
per_host = 2
user_agent = "briefing-test/1"

[[feed]]
name = "Armenpress"
url = "https://armenpress.am/rss/"
side = "armenia"
kind = "state-media"
tags = ["agency"]

[[feed]]
name = "APA"
url = "https://apa.az/rss"
side = "azerbaijan"
language = "az"
interval = "1h30m"
enabled = false
"""


def load(tmp_path, text):
    path = tmp_path / "feeds.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def problems(tmp_path, text) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text)
    return info.value.problems


def test_good_config_with_defaults(tmp_path):
    config = load(tmp_path, GOOD)
    a, b = config.feeds
    assert (a.name, a.side, a.kind, a.language, a.tags, a.interval, a.enabled) == (
        "Armenpress", "armenia", "state-media", "en", ("agency",), 900, True)
    assert (b.language, b.interval, b.enabled) == ("az", 5400, False)
    assert config.poll == PollSettings(concurrency=16, per_host=2, user_agent="briefing-test/1")


def test_every_problem_is_reported_with_line_and_key(tmp_path):
    text = GOOD + """
[[feed]]
name = "Bad"
url = "javascript:alert(1)"
side = "armenian"
kind = 3
colour = "red"
interval = "soon"
"""
    found = problems(tmp_path, text)
    assert len(found) == 5
    path = tmp_path / "feeds.toml"
    lines = text.splitlines()
    for problem, key in zip(found, ["url", "side", "kind", "colour", "interval"], strict=True):
        location, _, rest = problem.partition(": ")
        file, line = location.rsplit(":", 1)
        assert file == str(path)
        assert lines[int(line) - 1].startswith(key), problem
        assert f"'{key}'" in rest and " — " in rest  # what, and how to fix
        assert "\n" not in problem


def test_duplicate_url_and_name(tmp_path):
    found = problems(tmp_path, GOOD + '\n[[feed]]\nname = "Copy"\nurl = "https://ARMENPRESS.am/rss/"\n'
                                      '\n[[feed]]\nname = "apa"\nurl = "https://apa.az/other"\n')
    assert any("duplicate url" in p and "first at line" in p for p in found)
    assert any("duplicate name" in p for p in found)


def test_missing_required_keys(tmp_path):
    found = problems(tmp_path, '[[feed]]\nside = "armenia"\n')
    assert len(found) == 2 and "missing 'name'" in found[0] and "missing 'url'" in found[1]
    assert found[0].startswith(f"{tmp_path / 'feeds.toml'}:1:")


def test_unknown_tables_and_poll_values(tmp_path):
    found = problems(tmp_path, '[pol]\nx = 1\n\n[poll]\nconcurrency = "many"\nper_host = 0\ntimeouts = 3\n')
    assert len(found) == 4
    assert "unknown table or key 'pol'" in found[0]
    assert "'concurrency' must be a number" in found[1]
    assert "out of range" in found[2]
    assert "unknown key 'timeouts'" in found[3]


def test_toml_syntax_error_names_the_line(tmp_path):
    [problem] = problems(tmp_path, '[[feed]]\nname = "A\nurl = "https://x"\n')
    assert problem.startswith(f"{tmp_path / 'feeds.toml'}:2: invalid TOML")


def test_not_utf8(tmp_path):
    path = tmp_path / "feeds.toml"
    path.write_bytes(b'[[feed]]\nname = "\xff"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)


def test_brief_table(tmp_path):
    config = load(tmp_path, '[brief]\ntimezone = "Asia/Yerevan"\ndirectory = "out"\n')
    assert config.brief.timezone == "Asia/Yerevan" and config.brief.directory == "out"
    [problem] = problems(tmp_path, '[brief]\ntimezone = "Mars/Olympus"\n')
    assert ":2: " in problem and "Mars/Olympus" in problem and "Asia/Yerevan" in problem


def test_empty_file_has_no_feeds(tmp_path):
    assert load(tmp_path, "").feeds == ()


@pytest.mark.parametrize(("text", "seconds"), [("15m", 900), ("90s", 90), ("1h", 3600), ("1h30m", 5400),
                                               (600, 600), ("", None), ("15 minutes", None), (True, None)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


def test_shipped_feeds_toml_is_valid():
    from pathlib import Path

    shipped = Path(__file__).resolve().parent.parent / "feeds.toml"
    config = load_config(shipped)
    assert len(config.feeds) >= 20
    sides = {f.side for f in config.feeds}
    assert {"armenia", "azerbaijan", "russia", "turkey", "iran", "international"} <= sides
    assert any(f.kind == "humanitarian" for f in config.feeds)
    # every URL says how it was checked: "confirmed: ..." or "NOT CONFIRMED: ..."
    lines = shipped.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if line.startswith("url ="):
            said = line + " ".join(lines[max(0, number - 3) : number])
            assert "confirmed:" in said.lower(), f"feeds.toml:{number + 1}: say whether this URL was confirmed"


def test_control_characters_in_names_and_tags_are_refused(tmp_path):
    with pytest.raises(ConfigError) as err:
        load(tmp_path, '[[feed]]\nname = "Agency \\u001b[31m"\nurl = "https://a.example/rss"\n'
                       'tags = ["ok", "bad\\u0007"]\n')
    problems = err.value.problems
    assert len(problems) == 2 and all("control characters" in p for p in problems)
    assert "\x1b" not in str(err.value) and "\x07" not in str(err.value)  # the message itself is safe to print


@pytest.mark.parametrize(("written", "hint"), [("15", '"15m" for minutes'), ("30.0", '"30m" for minutes'),
                                               ('"20s"', "between 1 minute and 7 days")])
def test_an_interval_without_a_unit_or_under_a_minute_is_refused(tmp_path, written, hint):
    """`interval = 15` would poll a publisher every 15 seconds if we guessed seconds."""
    text = f'[[feed]]\nname = "A"\nurl = "https://a.example/rss"\ninterval = {written}\n'
    [problem] = problems(tmp_path, text)
    assert problem.startswith(f"{tmp_path / 'feeds.toml'}:4: ") and "'interval'" in problem and hint in problem


def test_poll_timeouts_take_seconds_or_a_duration(tmp_path):
    feed = '\n[[feed]]\nname = "A"\nurl = "https://a.example/rss"\n'
    config = load(tmp_path, '[poll]\ntimeout = "20s"\ndeadline = "2m"\n' + feed)
    assert (config.poll.timeout, config.poll.deadline) == (20.0, 120.0)
    assert load(tmp_path, "[poll]\ntimeout = 15\n" + feed).poll.timeout == 15.0
    [problem] = problems(tmp_path, '[poll]\ntimeout = "soon"\n' + feed)
    assert ":2: " in problem and "'timeout'" in problem and '"30s"' in problem
    [problem] = problems(tmp_path, '[poll]\ndeadline = "2h"\n' + feed)
    assert "out of range" in problem
