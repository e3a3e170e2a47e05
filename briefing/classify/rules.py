"""The decisions: an item's text → panes, speaker, actors, places and the cues behind each pane.

The order follows ../shared/PANES.md ("Deciding, in order"):
1. humanitarian cues (access, supplies, aid, displacement) add *humanitarian*;
2. a speech act (reporting verb, colon or dash attribution, "according to") whose speaker is a
   party (Azerbaijan, Armenia, Karabakh) gives *statements*; a third party, *reactions*;
3. physical acts on the ground give *events* — also when a party reports them (then the item is
   a statement too, and `speaker` says who claims it);
4. diplomacy: between the parties only → *statements*; with a third party → *reactions*; a
   third party's own acts about the conflict (withdrawing troops, a court's order) → *reactions*.
The feed's own side and kind (feeds.toml) fill in only where the text is silent.

What a reporting verb governs is not reported as done: a denial, an appeal ("called on Armenia
to withdraw"), an apology, a third party's condemnation, a plan or an offer. The speaker is the
actor in subject position: before the verb in English, opening the sentence in verb-final
Azerbaijani and Armenian, after it in "..., said the Kremlin"; a city or country name speaks
only as a subject ("Baku said"), never as a place ("in Baku"); "X and Y said" are two speakers.

Everything is decided from token positions found by the precompiled matcher; nothing here
touches I/O, so the same function labels items at ingest and in `briefing reclassify`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from . import cues as cue_table
from .folding import PUNCT, SENTENCE_END
from .gazetteer import PARTIES, Actor, load
from .matcher import CUE, ENTITY, Matcher, entity_pattern, expand, lines, words

PANES = ("events", "statements", "humanitarian", "reactions")
TITLE_CHARS = 400  # a hostile feed's 1 MB "title" costs no more than a headline
SUMMARY_CHARS = 700  # the lead: headlines and first sentences carry the decision (GDELT's root event)
SPEAKER_WINDOW = 16  # how far before a reporting verb its subject may start
NON_SPEAKING = frozenset({"media"})
HUMANITARIAN_TYPES = frozenset({"humanitarian"})
# Places whose mention is itself an access cue (PANES: the corridor and its checkpoint, the Aghdam road).
ACCESS_PLACES = {
    "Lachin corridor": 2,
    "Aghdam road (Aghdam–Askeran–Khankendi)": 2,
    "Hakari bridge checkpoint": 1,
    "Kornidzor": 1,
}
# Actors whose presence alone says the item is about the conflict even without a place.
REGION_ACTORS = frozenset({"russian-peacekeepers", "euma", "osce", "artsakh-defence-army"})
_SKIP_BETWEEN = frozenset({"the", "'s", "(", ")", "-", '"', "of", "s"})
# Between a metonym and its verb: none of these (else "part of Azerbaijan, but added" would make
# Azerbaijan the speaker).
_NOT_IN_SUBJECT = frozenset({":", ";", ",", ".", '"', "(", ")", "of", "to", "as", "in", "for", "with", "from", "by",
                             "and", "but", "that", "which", "who", "at", "against", "into", "on"})
_ASIDE = frozenset({"(", ")", "mod", "mfa", "defence", "defense", "foreign", "affairs", "of"})
_BE = frozenset({"is", "are", "was", "were", "be", "been", "being"})
_PASSIVE_NEXT = frozenset({"of", "for", "with", "by"})
_PASSIVE_VERBS = frozenset({"accused", "blamed", "charged", "condemned", "criticised", "criticized", "denounced",
                            "suspected", "reported", "confirmed", "announced", "rejected", "denied"})
# Subjects of a reporting verb who are not actors in the conflict's sense ("his family said").
_NOT_ACTOR_WORDS = """family relatives lawyer lawyers witnesses witness eyewitnesses residents sources source reporters
journalists journalist correspondent analysts analyst experts expert observers media locals villagers doctors people
activists mother father wife son"""
_PRONOUNS = frozenset({"he", "she", "it", "they", "we"})
_NOT_ACTORS = frozenset(_NOT_ACTOR_WORDS.split())
_ENDS_SIDE_PHRASE = frozenset({"region", "republic", "enclave", "side", "and", "said", "says", "told", "reported",
                               "stated", "announced", "claimed", "have", "has", "had", "was", "were", "is", "are",
                               "for", "on", "to", "in", "at", "with", "who", "which", "also"})
_CONDEMNING = ("condemn", "denounc", "criticis", "criticiz", "deplor", "decr", "slam", "осуди", "դատապարտ", "pisle",
               "qina", "condann", "conden", "veroordee", "verurteil")  # folded stems
_ONGOING = frozenset({"began", "begun", "begin", "begins", "started", "start", "starts", "continued", "continue",
                      "continues", "used", "tried", "attempted"})
_CROWD = frozenset({"refugees", "people", "families", "residents", "displaced", "persons", "evacuees", "civilians",
                    "thousands", "patients", "children"})
_PLACE_PREPOSITIONS = frozenset({"of", "in", "from", "near", "to", "at", "into", "outside", "around", "across",
                                 "toward", "towards", "via", "through", "visit", "visits", "visited", "visiting"})
_CLAUSE_BREAK = frozenset({",", ";", ":", ".", "while", "but", "whereas", "meanwhile", "however", '"', "-"})
_SHARES_SUBJECT = frozenset({"and", "but", "to", "also", "then"})
# Reporting verbs that may come before their subject: "..., said the Kremlin".
_INVERTIBLE = frozenset({"said", "says", "told", "added", "noted", "stressed", "wrote", "reported", "announced",
                         "confirmed", "stated", "explained", "rekao", "rekla", "izjavio", "dijo", "zei", "zegt",
                         "sagte", "declared", "insisted", "warned", "claimed", "сообщил", "сообщила", "сообщили",
                         "заявил", "заявила", "заявили", "отметил", "отметили", "сообщает", "сообщают", "передает",
                         "bildirib", "deye", "հայտնում", "հայտնել", "ասել", "նշել"})


@dataclass(frozen=True, slots=True)
class Classification:
    """An item's labels. `why` pairs each pane with the cues that put the item there."""

    panes: tuple[str, ...] = ()
    on_topic: bool = True
    why: tuple[tuple[str, tuple[str, ...]], ...] = ()
    speaker: Actor | None = None
    actors: tuple[Actor, ...] = ()
    places: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    actor: str
    how: str  # "name", "metonym" or "generic"


@cache
def matcher() -> Matcher:
    """Compile the gazetteer and the cue table into one matcher (once per process)."""
    gaz = load()
    m = Matcher()
    for place in gaz.places:
        for alias in place.aliases:
            m.add([entity_pattern(t) for t in words(alias)], ("place", place.name), ENTITY)
    for actor_id, names in gaz.actor_aliases.items():
        for alias in names:
            m.add([entity_pattern(t) for t in words(alias)], ("actor", actor_id), ENTITY)
    for actor_id, names in gaz.actor_metonyms.items():
        for alias in names:
            m.add([entity_pattern(t) for t in words(alias)], ("metonym", actor_id), ENTITY)
    for kind, block in cue_table.CUES.items():
        for entry in lines(block):
            for pattern in expand(entry):
                m.add(pattern, ("cue", kind), CUE)
    for entry in lines(cue_table.BOTH_SIDES):
        for pattern in expand(entry):
            m.add(pattern, ("cue", "both"), CUE)
    for actor_id, block in cue_table.SIDE_WORDS.items():
        for entry in lines(block):
            for pattern in expand(entry):
                m.add(pattern, ("side", actor_id), CUE)
    m.compile()
    return m


@cache
def rules_digest() -> str:
    import hashlib

    text = repr(sorted(cue_table.CUES.items())) + repr(sorted(cue_table.SIDE_WORDS.items())) + cue_table.BOTH_SIDES
    return hashlib.sha256(text.encode()).hexdigest()[:8] + load().digest[:8]


def classify(
    title: str,
    summary: str,
    *,
    feed_side: str | None = None,
    feed_kind: str | None = None,
    feed_tags: tuple[str, ...] = (),
    language: str | None = None,
) -> Classification:
    """Label one item. Pure: the same text and feed metadata always give the same labels."""
    gaz = load()
    actors_by_id = gaz.actors
    title_tokens = words(title[:TITLE_CHARS]) if title else []
    summary_tokens = words(summary[:SUMMARY_CHARS]) if summary else []
    tokens = [*title_tokens, ".", *summary_tokens] if title_tokens else summary_tokens
    title_end = len(title_tokens)
    n = len(tokens)

    # sentence number of every token (a token ending a sentence belongs to it)
    sentence = [0, *accumulate(map(SENTENCE_END.__contains__, tokens[:-1]))] if n else []

    places: dict[str, None] = {}
    region_place = False
    mentions: list[_Mention] = []
    side_at: dict[int, str] = {}
    side_span: dict[int, int] = {}
    cue_hits: dict[str, list[tuple[int, int]]] = {}
    for start, end, payloads in matcher().scan(tokens):
        for payload in payloads:
            what = payload[0]
            if what == "cue":
                cue_hits.setdefault(payload[1], []).append((start, end))
            elif what == "place":
                places[payload[1]] = None
            elif what == "actor":
                mentions.append(_Mention(start, end, payload[1], "name"))
            elif what == "metonym":
                mentions.append(_Mention(start, end, payload[1], "metonym"))
            else:  # side word, kept at its last token; the longer phrase wins ("ethnic Armenian")
                if side_span.get(end - 1, 0) < end - start:
                    side_span[end - 1] = end - start
                    side_at[end - 1] = payload[1]
    for kind, spans in cue_hits.items():
        if len(spans) > 1:  # within one kind, a cue inside a longer one is the same cue ("aid" in "humanitarian aid")
            spans.sort(key=lambda sp: (sp[0], -sp[1]))
            kept = [spans[0]]
            for sp in spans[1:]:
                if sp[1] > kept[-1][1]:
                    kept.append(sp)
            cue_hits[kind] = kept
    for blocker in cue_hits.get("not_event", ()):
        for kind in ("event1", "event2"):
            if kind in cue_hits:
                cue_hits[kind] = [sp for sp in cue_hits[kind] if not (blocker[0] <= sp[0] and sp[1] <= blocker[1])]
    for blocker in cue_hits.get("not_access", ()):
        for kind in ("hum1", "hum2"):
            if kind in cue_hits:
                cue_hits[kind] = [sp for sp in cue_hits[kind] if not (blocker[0] <= sp[0] and sp[1] <= blocker[1])]
    for name in places:
        if name not in _non_region_places():
            region_place = True
            break

    def label(span: tuple[int, int]) -> str:
        return " ".join(tokens[span[0] : span[1]])

    verb_starts = {s for kind in ("say", "appeal", "polite", "deny") for s, _ in cue_hits.get(kind, ())}
    # Generic speakers: a side word next to an official noun ("Armenian officials", "the
    # leadership of the breakaway region", "Baku's foreign ministry").
    named_spans = [(m.start, m.end) for m in mentions if m.how == "name"]
    for start, end in cue_hits.get("official", ()):
        found = None
        j, steps = start - 1, 0
        # at most one word between: "Azerbaijan's presidential aide"
        while j >= 0 and steps < 2 and sentence[j] == sentence[start]:
            if j in side_at:
                found = (j, end, side_at[j])
                break
            if tokens[j] not in _SKIP_BETWEEN:
                steps += 1
            j -= 1
        if found is None and end < n and end in side_at and sentence[end] == sentence[start]:
            found = (start, end + 1, side_at[end])  # "le autorità armene", "власти Армении"
        k = end
        while k < n and k < end + 5 and tokens[k] not in ("of", "in", "from", "for") and tokens[k] in _ASIDE:
            k += 1  # "the Ministry of Defence (MoD) of Nagorno-Karabakh"
        if found is None and k < n and tokens[k] in ("of", "in", "from", "for"):
            for j in range(k + 1, min(n, k + 6)):
                if sentence[j] != sentence[start]:
                    break
                if j in side_at:
                    after_side = tokens[j + 1] if j + 1 < n else "."
                    # "the leadership of the breakaway region" yes; "officials of the Karabakh
                    # reconstruction programme" no: the side word must end the phrase
                    if after_side in _ENDS_SIDE_PHRASE or after_side in PUNCT or (j + 1) in verb_starts:
                        found = (start, j + 1, side_at[j])
                    break
        unqualified = start == 0 or tokens[start - 1] in ("the", ",") or (start > 1 and tokens[start - 2] == "the")
        if found is None and end < n and end in verb_starts and unqualified:
            # "An Azerbaijani soldier was wounded ..., the ministry of defence reported": the ministry
            # of the side the sentence is about (the nearest party side word before it)
            for j in range(start - 1, -1, -1):
                if sentence[j] != sentence[start]:
                    break
                if side_at.get(j) in _PARTY_GENERICS:
                    found = (start, end, side_at[j])
                    break
        if found is None and feed_side and feed_kind in ("official", "state-media"):
            # an unqualified "the defence ministry", in a side's own official or state outlet, is that side's
            unqualified = start == 0 or tokens[start - 1] in ("the", ".", ":") or sentence[start - 1] != sentence[start]
            generic = _SIDE_GENERIC.get(feed_side)
            if generic and unqualified and end < n and (tokens[end] in (":", ",") or end in verb_starts):
                found = (start, end, generic)
        if found is None:
            continue
        s, e, actor_id = found
        if any(a < e and s < b for a, b in named_spans):
            continue
        mentions.append(_Mention(s, e, actor_id, "generic"))
    for start, end in cue_hits.get("both", ()):  # "both sides accused each other": each party speaks
        mentions.append(_Mention(start, end, "armenia-government", "both"))
        mentions.append(_Mention(start, end, "azerbaijan-government", "both"))
    mentions.sort(key=lambda m: (m.start, -m.end))

    speakers_candidates = [m for m in mentions if actors_by_id[m.actor].type not in NON_SPEAKING]

    def as_place(m: _Mention) -> bool:
        """"in Baku", "residents of Stepanakert": a metonym after a preposition is a place."""
        return m.how == "metonym" and m.start > 0 and tokens[m.start - 1] in _PLACE_PREPOSITIONS

    def subject_like(m: _Mention, pos: int) -> bool:
        """A metonym ("Baku", "Armenia") speaks only as a subject: right before the verb."""
        if m.how != "metonym":
            return True
        if as_place(m):
            return False
        between = tokens[m.end : pos]
        if between and between[-1] == ",":
            between = between[:-1]
        return len(between) <= 3 and not any(t in _NOT_IN_SUBJECT for t in between)

    def before(pos: int, window: int = SPEAKER_WINDOW) -> _Mention | None:
        best = None
        for m in speakers_candidates:
            if m.end > pos:
                break
            if m.start >= pos - window and sentence[m.start] == sentence[pos] and subject_like(m, pos):
                best = m
        return best

    def subject(pos: int) -> _Mention | None:
        """The first actor of the sentence, when a verb shares its subject ("X ..., but added")."""
        for m in speakers_candidates:
            if m.end > pos:
                return None
            if sentence[m.start] == sentence[pos] and (m.how != "metonym" or m.start == _sentence_start(m.start)):
                return m
        return None

    def _sentence_start(pos: int) -> int:
        while pos > 0 and sentence[pos - 1] == sentence[pos]:
            pos -= 1
        return pos

    def after(pos: int, window: int) -> _Mention | None:
        for m in speakers_candidates:
            if m.start >= pos and m.start < pos + window and sentence[m.start] == sentence[pos] and m.how != "metonym":
                return m
            if m.start >= pos + window:
                break
        return None

    # ---- speech acts ------------------------------------------------------------------------
    speech: list[tuple[int, str, str, bool]] = []  # (position, actor id, cue, appeal?)
    polite_at: list[int] = []

    def add_speech(m: _Mention | None, pos: int, cue: str, appeal: bool = False) -> None:
        if m is not None:
            speech.append((pos, m.actor, cue, appeal))

    # colon attribution in the headline (or the summary's start when there is no title)
    head_end = title_end if title_end else min(n, 12)
    for i in range(min(head_end, 12)):
        # "Փաշինյան. ..." — Armenian headlines separate the speaker with a full stop
        armenian_stop = tokens[i] == "." and title_end and i <= 6 and any(
            m.start == 0 and m.end == i and m.how != "metonym" for m in speakers_candidates)
        if tokens[i] == ":" or armenian_stop:
            m = before(i, 10)
            if m is not None and m.how != "metonym":  # "Karabakh: thousands flee" is a topic, not a speaker
                add_speech(m, i, "colon attribution")
            break
    # dash attribution at the end of a headline ("... - Kremlin", "... – Amnesty International")
    if title_end:
        for i in range(title_end - 1, max(title_end - 8, 0), -1):
            if tokens[i] == "-":
                add_speech(after(i + 1, 8), i, "dash attribution")
                break
    verb_speech = False
    verbs = sorted((start, end, kind) for kind in ("say", "appeal", "polite", "deny")
                   for start, end in cue_hits.get(kind, ()))  # fmt: skip
    last_verb_end = {}  # sentence → where the last accepted reporting verb ended
    for start, end, kind in verbs:
        prev = tokens[start - 1] if start else "."
        nxt = tokens[end] if end < n else "."
        if prev in _BE or (nxt in _PASSIVE_NEXT and tokens[end - 1] in _PASSIVE_VERBS) or nxt == "as":
            continue  # passive: "was reported by", "a man accused of" — not this subject speaking
        earlier = last_verb_end.get(sentence[start])
        if earlier is not None and not any(t in _CLAUSE_BREAK for t in tokens[earlier:start]):
            continue  # reported speech inside reported speech: "X said Y had denied ..." is X's
        last_verb_end[sentence[start]] = end
        verb_speech = True
        if kind in ("polite", "deny", "appeal"):
            polite_at.append(start)  # what is asked for, apologised for or denied is not reported as done
        m = None
        if prev in _PRONOUNS:
            add_speech(subject(start), start, label((start, end)), kind == "appeal")  # "Azerbaijan ... what it called"
            continue
        if prev in _NOT_ACTORS and not any(x.end == start for x in mentions):
            add_speech(None, start, "")  # "his family said", "witnesses told": someone, not an actor
            continue
        if prev in (",", '"') or prev in SENTENCE_END:
            if tokens[end - 1] in _INVERTIBLE:
                m = after(end, 10)  # "..., said the Kremlin"
            elif prev == ",":
                m = subject(start)  # "Blinken calls Aliyev and Pashinyan, urges ...": the headline's subject
        elif prev in _SHARES_SUBJECT:
            m = subject(start)  # "... and called for", "... to call for"
        elif _verb_final(tokens[end - 1]) and "deye" not in tokens[_sentence_start(start) : start]:
            m = subject(start)  # Azerbaijani and Armenian put the verb last: the subject opens the sentence
        if m is None:
            m = before(start)
        add_speech(m, start, label((start, end)), kind == "appeal")
        if m is not None and tokens[start].startswith(_CONDEMNING) and actors_by_id[m.actor].side not in PARTIES:
            polite_at.append(start)  # a third party condemning an act: a reaction; the act is its object
        if m is not None:  # "Yerevan and the head of the UN refugee agency said": both speak
            j = m.start - 1
            while j > max(0, m.start - 8) and tokens[j] != "and" and tokens[j] not in PUNCT:
                j -= 1
            if j > 0 and tokens[j] == "and":
                for other in speakers_candidates:
                    if other.end == j and sentence[other.start] == sentence[start] and not as_place(other):
                        add_speech(other, start, label((start, end)), kind == "appeal")
    if not speech:
        for start, end in cue_hits.get("cont", ()):  # "raised the flag, calling it ...": the subject speaks
            add_speech(subject(start), start, label((start, end)))
    for start, end in cue_hits.get("according", ()):
        add_speech(after(end, 8), start, label((start, end)))
    if not speech and not verb_speech:
        for start, end in cue_hits.get("noun", ()):
            add_speech(before(start) or after(end, 6), start, label((start, end)))
    # the feed speaks for itself: an official feed's "the ministry said" is that side's statement
    if not speech and feed_kind == "official" and feed_side and (verb_speech or cue_hits.get("noun")):
        generic = _SIDE_GENERIC.get(feed_side)
        if generic:
            speech.append((0, generic, f"official feed ({feed_side})", False))

    why: dict[str, list[str]] = {pane: [] for pane in PANES}
    speaking: dict[str, None] = {}
    for _pos, actor_id, cue, appeal in sorted(speech):
        who = actors_by_id[actor_id]
        speaking[actor_id] = None
        reason = f"{cue} — {who.name} ({who.side})"
        if who.side in PARTIES:
            why["statements"].append(reason)
        elif who.type not in HUMANITARIAN_TYPES or appeal:
            why["reactions"].append(reason)
        else:
            why["humanitarian"].append(reason)

    hedges = {s for s, _ in cue_hits.get("future", ())}
    hedges |= {e - 1 for _, e in cue_hits.get("future", ())}

    def hedged(start: int, reach: int = 3) -> bool:
        if start > 0 and tokens[start - 1] == "to" and (start < 2 or tokens[start - 2] not in _ONGOING):
            return True  # "called on Armenia to withdraw", not "began to withdraw"
        return any((start - k) in hedges and sentence[start - k] == sentence[start] for k in range(1, reach + 1))

    # ---- diplomacy and third parties' acts ----------------------------------------------------
    side_mentions = [_Mention(p, p + 1, a, "side") for p, a in side_at.items()]
    meetings = [sp for sp in cue_hits.get("diplomacy", ())
                if not (tokens[sp[0]].startswith("arriv") and _CROWD & set(tokens[max(0, sp[0] - 3) : sp[0]]))]
    meetings += cue_hits.get("polite", ())  # "refugees arrived" is no visit
    diplomacy = sorted([*meetings, *cue_hits.get("treaty", ())])
    if diplomacy:
        sentences = {sentence[s] for s, _ in diplomacy}
        near = {p for s, e in diplomacy for p in range(s - 4, e + 4)}
        taking_part = [m for m in mentions
                       if sentence[m.start] in sentences and actors_by_id[m.actor].type not in NON_SPEAKING
                       and actors_by_id[m.actor].type not in HUMANITARIAN_TYPES
                       and (m.how != "metonym" or ((m.start in near or m.end - 1 in near) and not as_place(m)))]
        taking_part += [m for m in side_mentions if m.start in near]  # "Armenian and Azerbaijani commissions"
        taking_part = sorted((m for m in taking_part if m.how != "both"), key=lambda m: m.start)
        sides = {actors_by_id[m.actor].side for m in taking_part}
        third = sides - PARTIES
        cue = label(diplomacy[0])
        if third and not all(hedged(s, 5) for s, _ in diplomacy):  # "would not take part in its summit"
            why["reactions"].append(f"diplomacy with a third party: {cue}")
            for m in taking_part:
                if actors_by_id[m.actor].side not in PARTIES:
                    speaking.setdefault(m.actor, None)
        party_led = bool(taking_part) and actors_by_id[taking_part[0].actor].side in PARTIES
        if len(sides & PARTIES) >= 2 and party_led and meetings and not all(hedged(s, 5) for s, _ in meetings):
            why["statements"].append(f"diplomacy between the parties: {label(meetings[0])}")
    for start, end in cue_hits.get("act3", ()):
        m = before(start, 12)
        if m is None:  # "a column of Russian military vehicles withdrew": the side word is the subject
            near = [x for x in side_mentions if start - 8 <= x.start < start and sentence[x.start] == sentence[start]]
            m = max(near, key=lambda x: x.start) if near else None
        if m is None:
            continue
        who = actors_by_id[m.actor]
        if who.side not in PARTIES and who.type not in HUMANITARIAN_TYPES:
            why["reactions"].append(f"{label((start, end))} — {who.name} ({who.side})")
            speaking.setdefault(m.actor, None)

    if not why["reactions"] and not speech:
        first = next((m for m in mentions if m.how in ("name", "generic")), None)
        if first is not None and first.start <= 3:
            who = actors_by_id[first.actor]
            if who.side not in PARTIES and who.type in ("court", "international org", "government"):
                why["reactions"].append(f"a third party acts: {who.name} ({who.side})")
                speaking.setdefault(first.actor, None)

    # ---- physical acts ------------------------------------------------------------------------
    def object_of_courtesy(start: int) -> bool:
        return any(p < start and sentence[p] == sentence[start] for p in polite_at)

    arrivals = cue_hits.get("arrival", ())
    crowd_at = {p for sp in cue_hits.get("hum2", ()) for p in range(sp[0], sp[1])} if arrivals else set()
    if arrivals:
        crowd_at |= {i for i, t in enumerate(tokens) if t in _CROWD}
    for start, end in arrivals:  # "74,000 refugees have arrived": a population movement
        if any(p in crowd_at and sentence[p] == sentence[start] for p in range(max(0, start - 6), start)):
            cue_hits.setdefault("event2", []).append((start, end))
    strong_events: list[str] = []
    weak_events: list[str] = []
    for kind, found in (("event2", strong_events), ("event1", weak_events)):
        for span in cue_hits.get(kind, ()):
            if not hedged(span[0]) and not object_of_courtesy(span[0]):
                found.append(label(span))
    if strong_events:
        why["events"].extend(dict.fromkeys(strong_events + weak_events))
        claimants = [actors_by_id[a] for a in speaking if actors_by_id[a].side in PARTIES]
        if claimants:
            why["events"].append("claimed by " + ", ".join(a.name for a in claimants))

    # ---- humanitarian access -----------------------------------------------------------------
    strong = [label(span) for span in cue_hits.get("hum2", ())]
    weak = [label(span) for span in cue_hits.get("hum1", ())]
    for name in places:
        weight = ACCESS_PLACES.get(name)
        if weight == 2:
            strong.append(name)
        elif weight == 1:
            weak.append(name)
    for m in mentions:
        if actors_by_id[m.actor].type in HUMANITARIAN_TYPES or m.actor in ("unhcr", "un-ocha"):
            weak.append(actors_by_id[m.actor].name)
    if feed_kind == "humanitarian":
        weak.append("humanitarian feed")
    if strong or len({_lemma(w) for w in weak}) >= 2:
        why["humanitarian"].extend(dict.fromkeys(strong + weak))
    elif why["humanitarian"]:  # a humanitarian agency speaking, but no access cue: its words are news
        why["humanitarian"].extend(dict.fromkeys(weak))

    # ---- on topic -----------------------------------------------------------------------------
    party_mention = any(actors_by_id[m.actor].side in PARTIES or m.actor in REGION_ACTORS for m in mentions)
    party_word = any(actor_id in _PARTY_GENERICS for actor_id in side_at.values())
    panes_found = [pane for pane in PANES if why[pane]]
    region = region_place or party_mention or party_word
    on_topic = region or (feed_side in PARTIES and (bool(panes_found) or feed_kind == "official"))
    if on_topic and cue_hits.get("offtopic") and not (why["events"] or why["humanitarian"] or speech or diplomacy):
        on_topic = False

    # the feed's kind when the text says nothing decisive
    if on_topic and not panes_found and feed_side:
        if feed_kind == "official":
            pane = "statements" if feed_side in PARTIES else "reactions"
            why[pane].append(f"official feed ({feed_side})")
        elif feed_kind == "humanitarian":
            why["humanitarian"].append("humanitarian feed")
        panes_found = [pane for pane in PANES if why[pane]]

    speaker = None
    if speech:
        first = min(speech, key=lambda s: (s[0] >= title_end if title_end else False, s[0]))
        speaker = actors_by_id[first[1]]
    actor_ids: dict[str, None] = {}
    for m in mentions:
        if m.how != "metonym" or m.actor in speaking:
            actor_ids[m.actor] = None
    for actor_id in speaking:
        actor_ids.setdefault(actor_id, None)
    return Classification(
        panes=tuple(panes_found),
        on_topic=on_topic,
        why=tuple((pane, tuple(dict.fromkeys(why[pane]))) for pane in panes_found),
        speaker=speaker,
        actors=tuple(actors_by_id[a] for a in actor_ids),
        places=tuple(places),
    )


_SIDE_GENERIC = {
    "azerbaijan": "azerbaijan-government",
    "armenia": "armenia-government",
    "karabakh": "karabakh-authorities",
    "russia": "russia-government",
    "turkey": "turkey-government",
    "iran": "iran-government",
}
_PARTY_GENERICS = frozenset({"azerbaijan-government", "armenia-government", "karabakh-authorities"})


@cache
def _non_region_places() -> frozenset[str]:
    return frozenset(p.name for p in load().places if not p.region)


def _lemma(cue: str) -> str:
    """"blocked" and "block" are one cue when counting distinct weak cues."""
    for suffix in ("ing", "ed", "es", "s", "d"):
        if cue.endswith(suffix) and len(cue) - len(suffix) >= 4:
            return cue[: -len(suffix)]
    return cue


def _verb_final(verb: str) -> bool:
    """Azerbaijani (bildirib, məlumat verib) and Armenian verbs end a subject-object-verb sentence."""
    return ("\u0530" <= verb[:1] <= "\u058f") or (verb.isascii() and verb.endswith(("ib", "ub")))
