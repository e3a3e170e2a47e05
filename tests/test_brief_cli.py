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
