"""BriefData → Markdown. Pure: the same data gives the same bytes.

Form: every line the brief writes starts with our own text (a heading, `- ` and a time, or a
sentence of ours), so feed text, escaped by `markdown.text`, never starts a block. Links are
numbered references (`[APA][3]`) defined once at the end: the body stays readable as plain
text, and each URL appears once, written by `markdown.destination`.

Attribution: a line never states what a source said as fact. It says who said it ("<speaker>
said, according to <sources>: “<title>”") or who reports it ("According to <sources>: …").
Only the sources whose report has the headline's speaker vouch for the attribution (the
headline's own carriers first); the other sources of the same story are cited after it as
"also covered by".

Headline: a line shows one report of its story, the most widely carried (ties → the newest),
with that report's time — a story's first report is often only a hint of the news.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from ..text import fold, one_line, truncate
from . import markdown as md
from .model import PARTIES, SIDE_NAMES, SIDE_ORDER, BriefData, Report, Source, Story, headline

KEY_MIN, KEY_MAX = 5, 8
SUMMARY_CHARS = 220
TITLE_CHARS = 200
MAX_PLACES = 3
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def render_brief(data: BriefData) -> str:
    """The brief as Markdown (CommonMark + GFM), ending with one newline."""
    r = _Renderer(data)
    return r.render()


class _Refs:
    """Numbered link references, in order of first use."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self._cites: dict[Source, str] = {}

    def cite(self, source: Source) -> str:
        found = self._cites.get(source)
        if found is None:
            name = md.text(source.feed) or "source"
            dest = md.destination(source.link)
            if dest is None:
                found = name
            else:
                number = self.numbers.setdefault(dest, len(self.numbers) + 1)
                found = f"[{name}][{number}]"
            self._cites[source] = found
        return found

    def definitions(self) -> list[str]:
        return [f"[{n}]: {dest}" for dest, n in self.numbers.items()]


class _Renderer:
    def __init__(self, data: BriefData):
        self.data = data
        self.refs = _Refs()
        w = data.window
        last = (w.end - timedelta(microseconds=1)).astimezone(w.tz).date()
        self.one_day = w.start.astimezone(w.tz).date() == last
        self.out: list[str] = []
        self._texts: dict[int, str] = {}
        self._shown_edits: dict[int, Report] = {}  # edited reports whose lines say so

    # ------------------------------------------------------------------ layout

    def render(self) -> str:
        self._title()
        self._section("Key developments", self._key_developments())
        self._section("Latest events", self._pane_lines("events"), "No events reported in this window.")
        self._statements()
        self._section(
            "Humanitarian access", self._pane_lines("humanitarian"), "Nothing on humanitarian access in this window."
        )
        self._reactions()
        self._coverage()
        self._since_previous()
        refs = self.refs.definitions()
        if refs:
            self.out += ["", *refs]
        return "\n".join(self.out).rstrip("\n") + "\n"

    def _para(self, *lines: str) -> None:
        if self.out:
            self.out.append("")
        self.out.extend(lines)

    def _section(self, title: str, lines: list[str], empty: str = "Nothing in this window.") -> None:
        self._para(f"## {title}")
        self._para(*(lines or [empty]))

    # ------------------------------------------------------------------ parts

    def _title(self) -> None:
        d, w = self.data, self.data.window
        if w.day is not None:
            when = f"{_DAYS[w.day.weekday()]} {w.day.day} {_MONTHS[w.day.month - 1]} {w.day.year}"
        else:
            when = f"{self._stamp(w.start, full=True)} to {self._stamp(w.end, full=True)}"
        self._para(f"# Brief: {when} ({md.heading(w.tz_name)})")
        generated = f"Generated {self._stamp(d.generated_at, full=True)} ({md.text(w.tz_name)}) by briefing."
        if d.filter_text and d.filter_text.strip():
            generated += f" Filter: {md.text(d.filter_text)}"
        self._para(generated)
        items = sum(len(s.reports) for s in d.stories)
        feeds = {src.feed: src.side for s in d.stories for src in s.sources}
        by_side = Counter(feeds.values())
        sides = ", ".join(f"{_side_name(side)} {n}" for side, n in _sorted_sides(by_side))
        coverage = (
            f"Coverage: {_count(items, 'item')} in {_count(len(d.stories), 'story', 'stories')}"
            f" from {_count(len(feeds), 'source')}"
        )
        coverage += f" ({sides})." if sides else "."
        coverage += " Off-topic items are left out; every claim is attributed to whoever made it."
        if any(r.item.date_estimated for s in d.stories for r in s.reports):
            coverage += " ≈ marks a time the feed did not give: when briefing first saw the item."
        self._para(coverage)

    def _key_developments(self) -> list[str]:
        ranked = sorted(
            self.data.stories,
            # several sides carrying a story is the stronger sign: one state's outlets echo each other
            key=lambda s: (not s.starred, -len(s.sides), -len(s.feeds), s.lead.item.published, s.lead.item.id),
        )
        chosen = []
        for story in ranked:
            if len(chosen) >= KEY_MAX:
                break
            if len(chosen) >= KEY_MIN and not story.starred and len(story.feeds) < 2:
                break
            chosen.append(story)
        return [self._line(s, s.reports, starred_mark=True) for s in chosen]

    def _pane_lines(self, pane: str) -> list[str]:
        lines = []
        for story in _by_time(self.data.stories, pane):
            lines.append(self._line(story, story.in_pane(pane)))
        return lines

    def _statements(self) -> None:
        groups: dict[str, list[tuple[Story, tuple[Report, ...]]]] = {}
        for story in self.data.stories:
            for party, reports in _split(story.in_pane("statements"), _party).items():
                groups.setdefault(party, []).append((story, reports))

        def see_also(story: Story, party: str) -> str:
            """Another party spoke on the same story: point to it, so claim and answer meet."""
            others = {_party(r) for r in story.in_pane("statements")} - {party, ""}
            return ("see also " + _and([SIDE_NAMES[p] for p in PARTIES if p in others])) if others else ""

        self._para("## Actor statements")
        if not groups:
            self._para("No statements by the parties in this window.")
            return
        self._para("What each party said, side by side; none of it is verified by this brief.")
        for party in (*PARTIES, ""):
            entries = groups.get(party, [])
            if party == "" and not entries:
                continue
            title = SIDE_NAMES[party] if party else "Speaker not identified"
            self._para(f"### {title}")
            entries.sort(key=lambda e: _when(headline(e[1])))
            lines = [self._line(Story(reports), reports, note=see_also(story, party)) for story, reports in entries]
            self._para(*(lines or [f"No statements from {title} in this window."]))

    def _reactions(self) -> None:
        groups: dict[str, list[tuple[Report, ...]]] = {}
        for story in self.data.stories:
            for actor_id, reports in _split(story.in_pane("reactions"), self._third_party).items():
                groups.setdefault(actor_id, []).append(reports)
        self._para("## International reactions")
        if not groups:
            self._para("No international reactions in this window.")
            return

        def name(actor_id: str) -> str:
            return self._actor(actor_id) if actor_id else "Other or unidentified"

        order = sorted(groups, key=lambda a: (a == "", -len(groups[a]), fold(name(a)), a))
        for actor_id in order:
            self._para(f"### {md.heading(name(actor_id))}")
            entries = sorted(groups[actor_id], key=lambda rs: _when(headline(rs)))
            self._para(*(self._line(Story(rs), rs) for rs in entries))

    def _coverage(self) -> None:
        d = self.data
        self._para("## Sources and coverage")
        counts: Counter[str] = Counter()
        sides: dict[str, str | None] = {}
        for story in d.stories:
            for report in story.reports:
                for feed in dict.fromkeys(s.feed for s in report.sources):
                    counts[feed] += 1
                for s in report.sources:
                    sides.setdefault(s.feed, s.side)
        if counts:
            self._para("Feeds that contributed, by side:")
            by_side: dict[str | None, list[str]] = {}
            for feed in sorted(counts, key=lambda f: (-counts[f], fold(f), f)):
                by_side.setdefault(sides[feed], []).append(feed)
            lines = []
            for side, _n in _sorted_sides(Counter({s: len(f) for s, f in by_side.items()})):
                feeds = ", ".join(f"{md.text(f)} ({_count(counts[f], 'item')})" for f in by_side[side])
                lines.append(f"- {_side_name(side)}: {feeds}")
            self._para(*lines)
        else:
            self._para("No feed contributed to this window.")
        if d.gaps:
            self._para("Feeds that failed during the window (what this brief could not see):")
            lines = []
            for g in d.gaps:
                span = self._clock(g.first_failure)
                if g.last_failure != g.first_failure:
                    span = f"between {span} and {self._clock(g.last_failure)}"
                else:
                    span = f"at {span}"
                polls = _count(g.polls, "poll")
                line = f"- {md.text(g.feed)} ({_side_name(g.side)}): {g.failures} of {polls} failed {span}"
                if g.last_error:
                    line += f"; last error: {md.text(truncate(one_line(g.last_error), 160))}"
                lines.append(line)
            self._para(*lines)
        else:
            self._para("No feed failed during this window.")
        silent = [(name, side) for name, side in d.watched if name not in counts]
        if silent:
            names = ", ".join(f"{md.text(name)} ({_side_name(side)})" for name, side in sorted(silent, key=_feed_key))
            what = "nothing matching the filter" if (d.filter_text or "").strip() else "nothing"
            self._para(f"Watched feeds with {what} in this window: {names}.")

    def _since_previous(self) -> None:
        d = self.data
        self._para("## Since the previous brief")
        items = sum(len(s.reports) for s in d.stories)
        if d.previous is None:
            self._para("No earlier brief is recorded in this database: everything here is new to the desk.")
            return
        new = sum(1 for s in d.stories for r in s.reports if r.new)
        when = f"{self._stamp(d.previous.generated_at, full=True)} ({md.text(self.data.window.tz_name)})"
        text = f"The previous brief was written {when}. "
        if new:
            text += f"{new} of the {_count(items, 'item')} here arrived since then; their lines are marked new."
        else:
            text += "Nothing here arrived since then."
        after = d.previous.generated_at
        # only the edits a line shows (a headline's): "their lines say when" must hold
        edited = sum(1 for r in self._shown_edits.values() if not r.new and r.edited and r.edited > after)
        if edited == 1:
            text += " 1 earlier item was edited by its publisher since; its line says when."
        elif edited:
            text += f" {edited} earlier items were edited by their publishers since; their lines say when."
        self._para(text)

    # ------------------------------------------------------------------ one line

    def _line(
        self, story: Story, reports: tuple[Report, ...], *, starred_mark: bool = False, note: str = ""
    ) -> str:
        """`- 09:14 · new · Aghdam — <who says so>: “title” — summary; also covered by …`

        The line's report (its time, text and speaker) is the headline of `reports`: the most
        widely carried; every source of the story is still cited, once.
        """
        lead = headline(reports)
        item = lead.item
        head = [("≈" if item.date_estimated else "") + self._clock(item.published)]
        if starred_mark and story.starred:
            head.append("starred")
        if any(r.new for r in story.reports):
            head.append("new")
        places = story.places
        if places:
            shown = "; ".join(md.text(p) for p in places[:MAX_PLACES])
            head.append(shown + (f" (+{len(places) - MAX_PLACES})" if len(places) > MAX_PLACES else ""))
        if lead.edited is not None:
            head.append(f"edited {self._clock(lead.edited)}")
            self._shown_edits[lead.item.id] = lead
        if note:
            head.append(note)
        speaker = item.speaker
        vouching = [lead, *(r for r in story.reports if r.item.speaker == speaker and r is not lead)]
        vouch_sources = _unique(s for r in vouching for s in r.sources)  # the headline's own sources first
        others = [s for s in story.sources if s not in vouch_sources]
        cites = _and([self._cite(s) for s in vouch_sources])
        who = f"{md.text(self._actor(speaker))} said, according to {cites}" if speaker else f"According to {cites}"
        line = f"- {' · '.join(head)} — {who}: {self._said(lead)}"
        if others:
            also = _and([self._cite(s) for s in others])
            ends_sentence = line.endswith((".", "!", "?", "…", "”"))
            line += f" Also covered by {also}." if ends_sentence else f"; also covered by {also}"
        return line

    def _said(self, report: Report) -> str:
        """“title” — summary, escaped; once per item although a story shows in several sections.

        An edited report says what changed right after the changed text: “title” (was: “earlier
        title”) — summary, or “title” — summary (was: earlier summary).
        """
        item = report.item
        found = self._texts.get(item.id)
        if found is None:
            found = f"“{md.text(truncate(one_line(item.title), TITLE_CHARS))}”"
            if report.was_title is not None:
                found += f" (was: “{md.text(truncate(one_line(report.was_title), TITLE_CHARS))}”)"
            summary = _summary(item.title, item.summary)
            if summary:
                found += f" — {md.text(summary)}"
            if report.was_title is None and report.was_summary is not None:
                before = _summary(item.title, report.was_summary)
                if before and before != summary:  # a summary added where there was none shows as is
                    found += f" (was: {md.text(before)})" if summary else f" (summary was: {md.text(before)})"
            self._texts[item.id] = found
        return found

    def _third_party(self, report: Report) -> str:
        """Who is reacting: the speaker unless it is a party, else the first third party named."""
        item = report.item
        if item.speaker and item.speaker_side not in PARTIES:
            return item.speaker
        sides = self.data.actor_sides
        for actor_id in item.actors:
            if actor_id != item.speaker and sides.get(actor_id) not in (*PARTIES, None):
                return actor_id
        return ""

    def _cite(self, source: Source) -> str:
        label = ", ".join(p for p in (_side_name(source.side) if source.side else "", _kind(source.kind)) if p)
        cite = self.refs.cite(source)
        return f"{cite} ({label})" if label else cite

    def _actor(self, actor_id: str | None) -> str:
        if not actor_id:
            return ""
        return self.data.actor_names.get(actor_id) or _humanize(actor_id)

    def _clock(self, when: datetime) -> str:
        return self._stamp(when, full=not self.one_day)

    def _stamp(self, when: datetime, *, full: bool) -> str:
        local = when.astimezone(self.data.window.tz)
        if not full:
            return local.strftime("%H:%M")
        return f"{local.day} {_MONTHS[local.month - 1][:3]} {local.year} {local:%H:%M}"


# ---------------------------------------------------------------------- helpers


def _by_time(stories: Iterable[Story], pane: str) -> list[Story]:
    """A pane's stories in the order of the times their lines show (their headlines')."""
    chosen = [s for s in stories if s.in_pane(pane)]
    return sorted(chosen, key=lambda s: _when(headline(s.in_pane(pane))))


def _when(report: Report) -> tuple[datetime, int]:
    return (report.item.published, report.item.id)


def _split(reports: tuple[Report, ...], key: Callable[[Report], str]) -> dict[str, tuple[Report, ...]]:
    groups: dict[str, list[Report]] = {}
    for report in reports:
        groups.setdefault(key(report), []).append(report)
    return {k: tuple(v) for k, v in groups.items()}


def _party(report: Report) -> str:
    side = report.item.speaker_side
    return side if side in PARTIES else ""


def _unique(sources: Iterable[Source]) -> list[Source]:
    return list(dict.fromkeys(sources))


def _and(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _summary(title: str, summary: str) -> str:
    """The summary trimmed, without a repeat of the title (many feeds start with it)."""
    text = one_line((summary or "")[: SUMMARY_CHARS * 4])  # a summary may be 4,000 characters: cut first
    t = one_line(title or "")
    if t and text[: len(t)].casefold() == t.casefold():
        text = text[len(t) :].lstrip(" .:;—-")
    if not text or text.casefold() == t.casefold():
        return ""
    return truncate(text, SUMMARY_CHARS)


def _side_name(side: str | None) -> str:
    return SIDE_NAMES.get(side or "", side or "no side")


def _sorted_sides(counts: Counter) -> list[tuple[str | None, int]]:
    def key(side: str | None) -> tuple[int, str]:
        return (SIDE_ORDER.index(side) if side in SIDE_ORDER else len(SIDE_ORDER) + (side is None), side or "")

    return [(side, counts[side]) for side in sorted(counts, key=key)]


def _feed_key(feed: tuple[str, str | None]) -> tuple[str, str]:
    return (fold(feed[0]), feed[0])


def _kind(kind: str | None) -> str:
    return (kind or "").replace("-", " ")


def _humanize(actor_id: str) -> str:
    return " ".join(part.capitalize() for part in actor_id.replace("_", "-").split("-") if part) or actor_id


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
