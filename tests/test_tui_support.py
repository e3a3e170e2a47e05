"""Shared by the dashboard tests: a real SQLite file filled through Store.ingest, a frozen clock.

(No tests here; the name keeps it among the dashboard's files.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from briefing.classify import Actor, Classification
from briefing.models import BriefSettings, Config, Entry, FeedConfig
from briefing.store import Store

NOW = datetime(2023, 9, 20, 12, 0, tzinfo=UTC)

PASHINYAN = Actor("nikol-pashinyan", "Nikol Pashinyan", "armenia", "person")
AZ_MOD = Actor("az-mod", "Azerbaijan's defence ministry", "azerbaijan", "institution")
UN = Actor("un", "United Nations", "international", "organisation")

FEEDS = (
    FeedConfig(name="Armenpress", url="http://127.0.0.1:9/am", side="armenia", kind="state-media"),
    FeedConfig(name="APA", url="http://127.0.0.1:9/az", side="azerbaijan", kind="state-media"),
    FeedConfig(name="OC Media", url="http://127.0.0.1:9/oc", side="international", kind="independent"),
)


def label(*panes: str, speaker: Actor | None = None, actors=(), places=(), why=None) -> Classification:
    return Classification(
        panes=panes, on_topic=True,
        why=tuple((p, tuple(why or ("cue",))) for p in panes),
        speaker=speaker, actors=tuple(actors), places=tuple(places),
    )  # fmt: skip


# (feed index, minutes before NOW, title, summary, link, label)
ITEMS = [
    (0, 5, "Shelling reported near Stepanakert", "Residents describe explosions overnight.",
     "https://am.example/1", label("events", places=("Stepanakert / Khankendi",))),
    (1, 20, "Defence ministry: Armenian forces fired on positions", "The ministry said its positions were hit.",
     "https://az.example/2", label("statements", "events", speaker=AZ_MOD, actors=(AZ_MOD,))),
    (2, 45, "UN calls for restraint in Karabakh", "The Secretary-General urged both sides to de-escalate.",
     "https://oc.example/3", label("reactions", speaker=UN, actors=(UN,))),
    (2, 90, "Aid convoy waits at the Lachin corridor", "Flour and medicine trucks remain at the Hakari bridge.",
     "https://oc.example/4", label("humanitarian", places=("Lachin corridor",))),
    (0, 130, "Pashinyan says Armenia will not be drawn into war", "The prime minister spoke in parliament.",
     "https://am.example/5", label("statements", speaker=PASHINYAN, actors=(PASHINYAN,))),
    (1, 60 * 26, "Breaking [/bold] news [red]not red[/red]", "Markup-looking text stays text.",
     "https://az.example/6", label("events")),
    (0, 60 * 30, "ICRC evacuates wounded to Goris", "A medical evacuation crossed the checkpoint.",
     "https://am.example/7", label("humanitarian", "events", places=("Goris",))),
    (2, 60 * 50, "EU mission patrols the border", "EUMA monitors observed the line.", "javascript:alert(1)",
     label("reactions")),
]


_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "go", "di", "fe", "hu", "ji", "qo")


def _words(n: int) -> str:
    """Three made-up words unique to n, so that story clustering keeps the items apart."""
    words = []
    for k in range(3):
        m = n * 7 + k * 131 + 17
        words.append("".join(_SYLLABLES[(m >> (4 * j)) % 16] for j in range(4)) + "ix")
    return " ".join(words)


def config(tmp_path: Path | None = None) -> Config:
    return Config(feeds=FEEDS, brief=BriefSettings(timezone="UTC", directory=str(tmp_path or ".")))


def build_db(path: Path, items=ITEMS, *, now: datetime = NOW, extra: int = 0) -> Path:
    """A real briefing database: feeds synced from a Config, items ingested with labels."""
    with Store(path) as store:
        store.sync_feeds(config(), now=now)
        feeds = store.active_feeds()
        batches: dict[int, tuple[list[Entry], list[Classification]]] = {}
        for n in range(extra):  # older filler, one transaction a feed
            entries, labels = batches.setdefault(n % 3, ([], []))
            entries.append(Entry(guid=f"old-{n}", title=f"Older report {n}: {_words(n)}", summary="Background.",
                                 link=f"https://old.example/{n}", published=now - timedelta(minutes=60 * 72 + n * 7)))
            labels.append(label("events", "statements"))
        for feed_index, (entries, labels) in batches.items():
            store.ingest(feeds[feed_index], entries, now - timedelta(days=2), labels, "test")
        for feed_index, minutes, title, summary, link, labels in items:
            entry = Entry(guid=f"{feed_index}-{title}", title=title, summary=summary, link=link,
                          published=now - timedelta(minutes=minutes))
            store.ingest(feeds[feed_index], [entry], now - timedelta(minutes=minutes - 1), [labels], "test")
    return path


def add_item(path: Path, title: str, *, minutes_ago: float = 1, panes=("events",), now: datetime = NOW) -> int:
    with Store(path) as store:
        feed = store.active_feeds()[0]
        entry = Entry(guid=f"new-{title}", title=title, summary="", link=f"https://new.example/{abs(hash(title))}",
                      published=now - timedelta(minutes=minutes_ago))
        return store.ingest(feed, [entry], now, [label(*panes)], "test").new_ids[0]


async def settle(pilot) -> None:
    """Let every worker finish and every message land, until the panes hold what they show."""
    for _ in range(50):
        for _ in range(2):
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
        screen = pilot.app.main
        if screen is None or screen.settled:
            break
    await pilot.pause()
