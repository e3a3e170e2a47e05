"""`briefing brief` from the command line: stdout, -o FILE, errors as one line and exit 2."""

from __future__ import annotations

import subprocess
import sys

from test_brief import build_fixture

from briefing.cli import main


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)  # fmt: skip


def test_brief_to_stdout_then_to_a_file(tmp_path, capsys):
    db = build_fixture(tmp_path / "f.db")
    args = ["brief", "--db", str(db), "--date", "2023-09-19", "--tz", "Asia/Yerevan", "--as-of", "2023-09-20T00:00"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Brief: Tuesday 19 September 2023 (Asia/Yerevan)\n")
    assert "## Actor statements" in out and "Generated 20 Sep 2023 00:00 (Asia/Yerevan)" in out
    target = tmp_path / "briefs" / "today.md"
    assert main([*args, "-o", str(target)]) == 0
    assert f"wrote the brief to {target}" in capsys.readouterr().out
    assert target.read_text(encoding="utf-8") == out  # stdout was a preview: not recorded, same bytes


def test_brief_window_and_filter(tmp_path, capsys):
    db = build_fixture(tmp_path / "f.db")
    assert main(["brief", "--db", str(db), "--tz", "Asia/Yerevan", "--since", "2023-09-19T10:00",
                 "--until", "2023-09-19T13:00", "--filter", "Pashinyan", "--as-of", "2023-09-20"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "Coverage: 1 item in 1 story from 1 source (Armenia 1)." in out
    assert "Filter: Pashinyan" in out


def test_brief_errors_are_one_line_exit_2(tmp_path, capsys, monkeypatch):
    db = build_fixture(tmp_path / "f.db")
    monkeypatch.chdir(tmp_path)  # no feeds.toml here: the brief needs none
    for args, message in [
        (["--date", "19/09/2023"], "cannot read --date"),
        (["--tz", "Mars/Olympus"], "unknown time zone"),
        (["--date", "2023-09-19", "--since", "6h"], "either --date or --since/--until"),
        (["--since", "2023-09-20", "--until", "2023-09-19"], "--since must be before --until"),
        (["--since", "noon"], "cannot read --since"),
        (["-o", str(tmp_path)], "cannot write the brief"),
        (["--config", str(tmp_path / "missing.toml")], "file not found"),
    ]:
        assert main(["brief", "--db", str(db), *args]) == 2, args
        err = capsys.readouterr().err
        assert message in err and len(err.splitlines()) == 1, (args, err)
    done = run("brief", "--db", str(tmp_path / "none.db"), cwd=tmp_path)  # a real process: no traceback
    assert done.returncode == 2 and "no database yet" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "none.db").exists()


def test_hostile_feed_polled_for_real_then_briefed(tmp_path, server, capsys):
    """The whole way: a loopback feed with row-20 payloads → poll (parse, sanitise, classify, store) → brief."""
    from xml.sax.saxutils import escape

    from conftest import write_config
    from loopback import Response, item, rss
    from test_brief_safety import PARSER, check_safe

    payloads = [
        ("Great news](https://evil.example/phish) [more on Karabakh", "https://good.example/a"),
        ("<img src=x onerror=alert(1)> shelling in Stepanakert", "https://good.example/b"),
        ("Karabakh talks\n\n# URGENT: reset your password", "https://good.example/c"),
        ("[Bank] Lachin corridor\n\n[bank]: https://evil.example/login", "https://good.example/d"),
        ("Aghdam: drones reported", "https://good.example/e) [injected](https://evil.example"),
        ("Stepanakert | a | b |\n|---|---|", "javascript:alert(1)"),
    ]
    body = rss(*(item(f"g{n}", escape(title), link=escape(link), summary=escape(f"{title} &amp; www.evil.example"),
                      date="Tue, 19 Sep 2023 09:00:00 GMT") for n, (title, link) in enumerate(payloads)))  # fmt: skip
    feed = {"name": "Hostile <b>", "url": server.route("/f", Response(200, body)), "side": "armenia",
            "kind": "independent"}
    config = write_config(tmp_path / "feeds.toml", [feed])
    db = tmp_path / "b.db"
    assert main(["poll", "--config", str(config), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["brief", "--config", str(config), "--db", str(db), "--date", "2023-09-19", "--tz", "UTC",
                 "--as-of", "2023-09-20"]) == 0  # fmt: skip
    text = capsys.readouterr().out
    allowed = {PARSER.normalizeLink(link) for _t, link in payloads if link.startswith("https://")}
    check_safe(text, allowed)
    shown = int(text.split("Coverage: ")[1].split(" ")[0])
    assert shown >= 4, text  # the payloads reached the brief (on topic to the classifier), and stayed text
    assert "Hostile \\<b\\>" in text


def test_output_never_replaces_the_database_the_config_or_a_file_that_is_not_a_brief(tmp_path, capsys):
    import os

    from conftest import write_config

    from briefing.store import Store

    db = build_fixture(tmp_path / "x.db")
    config = write_config(tmp_path / "feeds.toml", [{"name": "Wire", "url": "https://wire.example/rss"}])
    notes = tmp_path / "notes.md"
    notes.write_text("my notes\n", encoding="utf-8")
    (tmp_path / "link.md").symlink_to(db)
    os.link(notes, tmp_path / "hardlink.md")
    before = {p: p.read_bytes() for p in (db, config, notes)}
    base = ["brief", "--db", str(db), "--config", str(config), "--date", "2023-09-19", "--as-of", "2023-09-20"]
    for target, message in [
        (db, "is the database"), (tmp_path / "x.db-wal", "is part of the database"),
        (tmp_path / "x.db-shm", "is part of the database"),
        (tmp_path / "link.md", "is the database"), (tmp_path / "." / "x.db", "is the database"),
        (config, "is the config file"), (notes, "does not look like a brief"),
        (tmp_path / "hardlink.md", "does not look like a brief"),
    ]:  # fmt: skip
        for force in ([], ["--force"]):
            if message == "does not look like a brief" and force:
                continue
            assert main([*base, "-o", str(target), *force]) == 2, target
            err = capsys.readouterr().err
            assert message in err and len(err.splitlines()) == 1, (target, err)
    assert {p: p.read_bytes() for p in (db, config, notes)} == before
    assert not (tmp_path / "x.db-shm").exists() or (tmp_path / "x.db-shm").read_bytes()[:7] != b"# Brief"
    with Store(db) as store:
        assert store.count_items() > 10 and store._query("SELECT count(*) FROM briefs")[0][0] == 1
    # --force replaces a file that is not a brief; a brief (ours) and an empty file are replaced without it
    assert main([*base, "-o", str(notes), "--force"]) == 0
    assert notes.read_text(encoding="utf-8").startswith("# Brief: Tuesday 19 September 2023")
    assert (tmp_path / "hardlink.md").read_text(encoding="utf-8") == "my notes\n"  # a new file, not written through
    assert main([*base, "-o", str(notes)]) == 0
    empty = tmp_path / "empty.md"
    empty.touch()
    assert main([*base, "-o", str(empty)]) == 0
    capsys.readouterr()
    done = run(*base, "-o", str(db))  # a real process: one line, no traceback
    assert done.returncode == 2 and "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


def test_dates_out_of_range_are_one_line_exit_2(tmp_path, capsys):
    db = build_fixture(tmp_path / "f.db")
    for args in (["--date", "9999-12-31"], ["--date", "0001-01-01"], ["--since", "0001-01-01"],
                 ["--as-of", "0001-01-01"], ["--since", "2023-09-19T06:00", "--until", "05:00"]):  # fmt: skip
        assert main(["brief", "--db", str(db), "--tz", "Asia/Yerevan", *args]) == 2, args
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1 and err.startswith("briefing: "), (args, err)
    done = run("brief", "--db", str(db), "--date", "9999-12-31")
    assert done.returncode == 2 and "Traceback" not in done.stderr and "out of range" in done.stderr


def test_the_readme_examples_work_as_written(tmp_path, capsys, monkeypatch):
    """Every `briefing brief` line of the README's brief section, run on the fixture database."""
    import shlex
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The daily brief", 1)[1].split("\n## ", 1)[0]
    examples = [line.split("  #")[0] for line in section.splitlines() if line.startswith("briefing brief")]
    assert len(examples) >= 4
    db = build_fixture(tmp_path / "f.db")
    monkeypatch.chdir(tmp_path)
    for example in examples:
        args = shlex.split(example)[1:]
        assert main([*args, "--db", str(db)]) == 0, (example, capsys.readouterr().err)
        out = capsys.readouterr().out
        if "--until" in args:
            assert out.startswith("# Brief: 19 Sep 2023 06:00 to 19 Sep 2023 18:00 (Asia/Yerevan)\n"), out[:200]
    assert (tmp_path / "brief.md").read_text(encoding="utf-8").startswith("# Brief: Tuesday 19 September 2023")


def test_demo_ceasefire_story_is_headlined_by_the_ceasefire(tmp_path, capsys):
    """The reviewer's case: on the demo's 20 September the top key development is the ceasefire
    story (carried by 11 sources); its line must show the ceasefire, not the story's first hint."""
    db = tmp_path / "demo.db"
    assert main(["demo", "--once", "--db", str(db), "--start-hours", "48"]) == 0
    capsys.readouterr()
    assert main(["brief", "--db", str(db), "--date", "2023-09-20", "--tz", "Asia/Yerevan",
                 "--as-of", "2023-09-21T00:00"]) == 0  # fmt: skip
    text = capsys.readouterr().out
    key = text.split("## Key developments\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert "ceasefire" in key[0].split(": “", 1)[1].split("”", 1)[0].lower(), key[0]
    assert "in contact with the command" not in key[0]
