"""The command line: every command, its --help, its errors (one line, exit 2), its output."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from conftest import write_config
from loopback import Response, item, rss

from briefing.cli import build_parser, main

COMMANDS = ["poll", "watch", "feeds", "items", "reclassify", "recluster", "import-opml", "export-opml", "demo",
            "dashboard", "brief"]


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_every_command_has_help(capsys):
    for command in [*COMMANDS, None]:
        with pytest.raises(SystemExit) as exit_info:
            main([command, "--help"] if command else ["--help"])
        assert exit_info.value.code == 0
        out = capsys.readouterr().out
        assert "--db" in out and "--config" in out, command


def test_parser_knows_every_command():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert sorted(sub.choices) == sorted(COMMANDS)


def test_broken_config_is_one_line_per_problem_and_exit_2(tmp_path):
    config = tmp_path / "feeds.toml"
    config.write_text('[[feed]]\nname = "A"\nurl = "ftp://x"\ncolour = "red"\n')
    done = run("poll", "--config", str(config), "--db", str(tmp_path / "b.db"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"briefing: {config}:") for line in lines)
    assert not (tmp_path / "b.db").exists()


def test_missing_config_is_exit_2(tmp_path):
    done = run("poll", "--config", str(tmp_path / "nope.toml"))
    assert done.returncode == 2 and "not found" in done.stderr and "Traceback" not in done.stderr


def test_bad_time_is_exit_2(tmp_path, server):
    config = write_config(tmp_path / "feeds.toml", [{"name": "A", "url": server.route("/f", Response(200, rss()))}])
    assert main(["poll", "--config", str(config), "--db", str(tmp_path / "b.db")]) == 0
    done = run("items", "--db", str(tmp_path / "b.db"), "--since", "last tuesday")
    assert done.returncode == 2 and "cannot read --since" in done.stderr


def test_not_a_database_is_exit_2_and_file_untouched(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("precious notes " * 100)
    done = run("items", "--db", str(notes))
    assert done.returncode == 2 and "not a usable briefing database" in done.stderr
    assert notes.read_text().startswith("precious notes")


def test_poll_then_items_json(tmp_path, server, capsys):
    good = server.route("/good", Response(200, rss(
        item("1", "Azerbaijan announces &quot;local anti-terrorist activities&quot;", link="https://n.example/1",
             summary="Defence ministry statement", date="Tue, 19 Sep 2023 09:00:00 GMT"),
        item("2", "Sirens in Stepanakert", link="https://n.example/2", date="Tue, 19 Sep 2023 09:30:00 GMT"))))
    bad = server.route("/bad", Response(500, b""))
    config = write_config(tmp_path / "feeds.toml", [
        {"name": "Good", "url": good, "side": "azerbaijan", "kind": "state-media"},
        {"name": "Bad", "url": bad, "side": "armenia"},
    ])
    db = tmp_path / "b.db"
    assert main(["poll", "--config", str(config), "--db", str(db)]) == 0  # exit 0 although a feed failed
    out = capsys.readouterr().out
    assert "1 ok" in out and "1 failed" in out and "2 new items" in out
    assert "failed        Bad: HTTP 500" in out

    assert main(["items", "--db", str(db), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["title"] for r in rows] == ["Sirens in Stepanakert",
                                          'Azerbaijan announces "local anti-terrorist activities"']
    assert {"id", "feed", "side", "title", "link", "published", "summary"} <= set(rows[0])
    assert rows[1]["feed"] == "Good" and rows[1]["side"] == "azerbaijan"
    assert rows[1]["published"] == "2023-09-19T09:00:00Z"

    assert main(["items", "--db", str(db), "--json", "--since", "2023-09-19T09:15Z"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    assert main(["items", "--db", str(db), "--json", "--search", "stepanakert"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1

    assert main(["feeds", "--config", str(config), "--db", str(db), "--json"]) == 0
    health = {h["name"]: h for h in map(json.loads, capsys.readouterr().out.splitlines())}
    assert health["Good"]["last_status"] == "ok" and health["Bad"]["last_status"] == "failed"
    assert main(["feeds", "--config", str(config), "--db", str(db)]) == 0
    table = capsys.readouterr().out
    assert "Good" in table and "HTTP 500" in table


def test_items_output_does_not_interpret_markup(tmp_path, server, capsys):
    url = server.route("/f", Response(200, rss(item("1", "Breaking [/bold] news [link=file:///etc/passwd]x"))))
    config = write_config(tmp_path / "feeds.toml", [{"name": "F", "url": url}])
    db = tmp_path / "b.db"
    main(["poll", "--config", str(config), "--db", str(db)])
    capsys.readouterr()
    assert main(["items", "--db", str(db)]) == 0
    assert "Breaking [/bold] news [link=file:///etc/passwd]x" in capsys.readouterr().out


def test_opml_round_trip(tmp_path, capsys):
    opml = tmp_path / "subs.opml"
    opml.write_text("""<?xml version="1.0"?><opml version="2.0"><head/><body>
      <outline text="Armenia"><outline text="Azatutyun" type="rss" xmlUrl="https://www.azatutyun.am/api/x"
        category="independent"/></outline>
      <outline text="Wire" type="rss" xmlUrl="https://wire.example/rss"/>
      <outline text="Evil" type="rss" xmlUrl="javascript:alert(1)"/>
    </body></opml>""")
    config = write_config(tmp_path / "feeds.toml", [{"name": "Wire", "url": "https://wire.example/rss"}])
    assert main(["import-opml", str(opml), "--config", str(config)]) == 0
    assert "added 1 feeds" in capsys.readouterr().out
    text = config.read_text()
    assert 'name = "Azatutyun"' in text and 'side = "armenia"' in text and 'kind = "independent"' in text
    assert "javascript" not in text

    assert main(["export-opml", "--config", str(config)]) == 0
    root = ET.fromstring(capsys.readouterr().out)
    urls = sorted(o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl"))
    assert urls == ["https://wire.example/rss", "https://www.azatutyun.am/api/x"]


def test_import_of_broken_opml_is_exit_2(tmp_path):
    opml = tmp_path / "bad.opml"
    opml.write_text("<opml><body><outline")
    done = run("import-opml", str(opml), "--config", str(tmp_path / "feeds.toml"))
    assert done.returncode == 2 and "not valid OPML" in done.stderr and "Traceback" not in done.stderr


def test_demo_refuses_the_users_database(tmp_path):
    done = run("demo", "--once", "--db", "briefing.db", cwd=tmp_path)
    assert done.returncode == 2 and "never writes to your own database" in done.stderr


def test_export_to_an_unwritable_place_is_exit_2(tmp_path, capsys):
    config = write_config(tmp_path / "feeds.toml", [{"name": "Wire", "url": "https://wire.example/rss"}])
    assert main(["export-opml", "--config", str(config), "-o", str(tmp_path / "no" / "such" / "x.opml")]) == 2
    assert "cannot write it" in capsys.readouterr().err


def watch(config, db, **popen) -> subprocess.Popen:
    """`briefing watch` in a child that Ctrl-C reaches. A child inherits an ignored SIGINT (the
    test run started as a shell's background job, or under nohup), and Python then leaves it
    ignored: watch would never see the Ctrl-C these tests send."""
    import signal

    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen([sys.executable, "-m", "briefing", "watch", "--config", str(config), "--db", str(db)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)  # fmt: skip
    finally:
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_watch_stops_cleanly_on_ctrl_c(tmp_path, server):
    """Ctrl-C stops `watch` cleanly, and what it polled reaches readers while they come and go.

    During the first poll, into the database watch has just created, one reader (`briefing items`)
    closes its connection and another (a dashboard) stays open. The last connection of a process
    to close takes the WAL for its own (checkpoints and deletes it) unless watch holds its lock on
    the database file: had watch lost that lock, the poll would commit into a deleted WAL that the
    open reader keeps from being checkpointed, and the items would never be seen."""
    import os
    import signal
    import sqlite3
    from contextlib import ExitStack, closing

    db = tmp_path / "w.db"

    def count(sql: str) -> int:  # a reader that opens and closes its own connection
        with closing(sqlite3.connect(db)) as conn:
            return conn.execute(sql).fetchone()[0]

    readers = ExitStack()
    feeds_seen_during_poll: list[int] = []

    def feed(_request) -> Response:  # answered while watch polls, its writer holding the database
        feeds_seen_during_poll.append(count("SELECT count(*) FROM feeds"))
        dashboard = readers.enter_context(closing(sqlite3.connect(db, check_same_thread=False)))
        dashboard.execute("SELECT count(*) FROM items").fetchone()
        return Response(200, rss(item("1", "first"), item("2", "second")))

    url = server.route("/f", feed)
    config = write_config(tmp_path / "feeds.toml", [{"name": "F", "url": url}])
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "300"}  # whole lines, as they are printed
    with readers:
        proc = watch(config, db, env=env)
        printed = ""
        while "new items" not in printed:  # the first poll's summary: its commit is done
            line = proc.stdout.readline()
            if not line:
                break  # watch ended before its first poll did; the assertions below say how
            printed += line
        stored_while_watching = count("SELECT count(*) FROM items") if db.exists() else None
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    out = printed + out
    assert proc.returncode == 0 and "stopped" in out and "Traceback" not in err, (out, err)
    assert feeds_seen_during_poll[:1] == [1], feeds_seen_during_poll  # the readers came during the poll
    assert "1 ok" in out and stored_while_watching == 2, (out, err, stored_while_watching)
    with closing(sqlite3.connect(db)) as conn:  # and the clean stop lost nothing
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT outcome FROM poll_log").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM items").fetchone()[0] == 2


def test_ctrl_c_during_a_big_poll_stops_cleanly_and_keeps_every_feed_whole(tmp_path, server):
    """A poll of many feeds stores through a writer process, which Ctrl-C also reaches: the stop
    is still clean, and every feed is either stored whole with its poll record or not at all."""
    import os
    import signal
    import sqlite3
    import time
    from contextlib import closing

    feeds = [{"name": f"fast {i}", "url": server.route(f"/fast{i}", Response(200, rss(
        *(item(f"{i}-{j}", f"Shelling reported near village {i} (report {j})") for j in range(5))
    )))} for i in range(12)]  # fmt: skip
    feeds += [{"name": f"slow {i}", "url": server.route(f"/slow{i}", Response(200, (b"<" for _ in range(40)),
                                                                              pause=0.25))} for i in range(8)]
    config = write_config(tmp_path / "feeds.toml", feeds)
    db = tmp_path / "big.db"

    def logged() -> int:
        try:
            with closing(sqlite3.connect(db)) as conn:
                return conn.execute("SELECT count(*) FROM poll_log").fetchone()[0]
        except sqlite3.OperationalError:
            return 0  # not created or not migrated yet

    proc = watch(config, db, start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 60
    while logged() < 12 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: to every process; slow feeds still arriving
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "stopped" in out and "Traceback" not in err, (out, err)
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        per_feed = dict(conn.execute("SELECT feeds.name, count(items.id) FROM feeds"
                                     " LEFT JOIN items ON items.feed_id = feeds.id GROUP BY feeds.id"))
        recorded = {name for (name,) in conn.execute(
            "SELECT feeds.name FROM poll_log JOIN feeds ON feeds.id = poll_log.feed_id WHERE outcome = 'ok'")}
    assert {f"fast {i}" for i in range(12)} <= recorded  # what was stored before Ctrl-C is kept
    assert all(per_feed[name] == (5 if name in recorded else 0) for name in per_feed), per_feed


@pytest.mark.parametrize(
    "args", [["--since", "999999999d"], ["--filter", "@2020-01-01..9999-12-31"], ["--limit", "-3"]]
)
def test_out_of_range_arguments_are_one_line_and_exit_2(tmp_path, args):
    from briefing.store import Store

    Store(tmp_path / "b.db").close()
    done = run("items", "--db", str(tmp_path / "b.db"), *args)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]  # argparse puts its usage lines first
    assert last.startswith("briefing") and ("range" in last or "whole number" in last or "time" in last)


def test_lines_written_to_a_pipe_are_whole(tmp_path, server):
    name = "Armenpress — Karabakh and Syunik regional desk, English-language service of the state agency"
    url = server.route("/f", Response(200, rss(item("1", "first"))))
    config = write_config(tmp_path / "feeds.toml", [{"name": name, "url": url}])
    done = run("poll", "--config", str(config), "--db", str(tmp_path / "x.db"))
    assert done.returncode == 0
    assert any(name in line and line.endswith("1 new") for line in done.stdout.splitlines()), done.stdout


def test_search_and_filter_read_plain_words_alike(tmp_path, server):
    url = server.route("/f", Response(200, rss(item("1", "C++ compilers"), item("2", "Karabakh news in C"))))
    config = write_config(tmp_path / "feeds.toml", [{"name": "F", "url": url}])
    db = tmp_path / "s.db"
    assert run("poll", "--config", str(config), "--db", str(db)).returncode == 0
    by_search = run("items", "--json", "--db", str(db), "--search", "C++").stdout
    by_filter = run("items", "--json", "--db", str(db), "--filter", "C++").stdout
    assert by_search == by_filter


def test_output_cut_short_by_a_pipe_is_not_an_error(tmp_path, server):
    url = server.route("/f", Response(200, rss(*(item(str(i), f"item {i}") for i in range(300)))))
    config = write_config(tmp_path / "feeds.toml", [{"name": "F", "url": url}])
    db = tmp_path / "p.db"
    assert run("poll", "--config", str(config), "--db", str(db)).returncode == 0
    proc = subprocess.Popen([sys.executable, "-m", "briefing", "items", "--json", "--db", str(db)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # the reader goes away, as `| head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=30) == 0 and "Traceback" not in err
