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

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate

from . import cues as cue_table
from .folding import PUNCT, SENTENCE_END
from .gazetteer import PARTIES, Actor, load
from .matcher import CUE, ENTITY, Matcher, entity_patterns, expand, lines, words

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
_OF = frozenset({"of", "in", "from", "for", "de", "di", "del", "della", "dell", "des", "du", "van", "der"})
_ASIDE = frozenset({"(", ")", "mod", "mfa", "defence", "defense", "foreign", "affairs", "of"})
_BE = frozenset({"is", "are", "was", "were", "be", "been", "being"})
_PASSIVE_NEXT = frozenset({"of", "for", "with", "by"})
_PASSIVE_VERBS = frozenset({"accused", "blamed", "charged", "condemned", "criticised", "criticized", "denounced",
                            "suspected", "reported", "confirmed", "announced", "rejected", "denied"})
# Subjects of a reporting verb who are not actors in the conflict's sense ("his family said").
_NOT_ACTOR_WORDS = """family relatives lawyer lawyers witnesses witness eyewitnesses residents sources source reporters
journalists journalist correspondent analysts analyst experts expert observers media locals villagers doctors people
activists mother father wife son diplomats diplomat officials workers staff medics nurses teachers survivors
opposition"""
_PRONOUNS = frozenset({"he", "she", "it", "they", "we"})
_NOT_ACTORS = frozenset(_NOT_ACTOR_WORDS.split())
# Of those, the ones who are surely no party's spokesman: when they are the item's first source
# ("Explosions heard in Stepanakert, residents say"), no party may be named as the speaker.
# ("officials", "sources", "diplomats" are someone's, unnamed: they block nothing.)
_CIVIL = _NOT_ACTORS - frozenset({"officials", "source", "sources", "diplomats", "diplomat", "media"})
# "which Azerbaijan calls Khankendi", "what Baku calls reintegration": naming in a relative clause, not speech
_RELATIVE = frozenset({"which", "what", "whom", "whose"})
# "..., said a spokesman": the subject follows the verb but is no actor we know
_DETERMINERS = frozenset({"a", "an", "the", "his", "her", "its", "their", "one", "two", "several", "some", "local"})
_CLAUSE_END = SENTENCE_END | {","}
# A finite verb right after the name that follows "said": the name opens the reported clause.
_FINITE = frozenset({"had", "has", "have", "was", "were", "is", "are", "would", "will", "could", "should", "must",
                     "did", "does", "do", "can", "may", "might"})
_AGENT = frozenset({"by", "against", "with", "between", "than", "under"})
_ADD = frozenset({"add", "adds", "added", "adding"})  # "add to the strain" is no reporting
_ENDS_SIDE_PHRASE = frozenset({"region", "republic", "enclave", "side", "and", "said", "says", "told", "reported",
                               "stated", "announced", "claimed", "have", "has", "had", "was", "were", "is", "are",
                               "for", "on", "to", "in", "at", "with", "who", "which", "also"})
_CONDEMNING = ("condemn", "denounc", "criticis", "criticiz", "deplor", "decr", "slam", "осуди", "դատապարտ", "pisle",
               "qina", "condann", "conden", "veroordee", "verurteil")  # folded stems
_INTENDING_WORDS = """agreed agrees agree decided decide decides aims aim seeks seek wants want refused refuses
vowed vows promised promises pledged pledges intends intend threatened threatens ready prepared able unable expected
likely plans planned plan hopes hoped asked urged called ordered allowed allow going due set willing"""
_INTENDING = frozenset(_INTENDING_WORDS.split())
_CROWD = frozenset({"refugees", "people", "families", "residents", "displaced", "persons", "evacuees", "civilians",
                    "thousands", "patients", "children"})
_PLACE_PREPOSITIONS = frozenset({"of", "in", "from", "near", "to", "at", "into", "outside", "around", "across",
                                 "toward", "towards", "via", "through", "visit", "visits", "visited", "visiting", "on",
                                 "about", "over", "a", "à", "en", "di", "dal", "da", "nel", "uit", "naar", "van"})
_CLAUSE_BREAK = frozenset({",", ";", ":", ".", "while", "but", "whereas", "meanwhile", "however", '"', "-"})
_SHARES_SUBJECT = frozenset({"and", "but", "to", "also", "then"})
# Reporting verbs that may come before their subject: "..., said the Kremlin".
_INVERTIBLE = frozenset({"said", "says", "told", "added", "noted", "stressed", "wrote", "reported", "announced",
                         "confirmed", "stated", "explained", "rekao", "rekla", "izjavio", "dijo", "zei", "zegt",
                         "sagte", "declared", "insisted", "warned", "claimed", "сообщил", "сообщила", "сообщили",
                         "заявил", "заявила", "заявили", "отметил", "отметили", "сообщает", "сообщают", "передает",
                         "заявляет", "заявляют", "утверждает", "утверждают", "отмечают", "считают",
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


# Not frozen: a frozen dataclass sets each field through object.__setattr__, 3x dearer. Treat it as
# immutable all the same (one object is shared by mentions, candidates and relays); not hashable.
@dataclass(slots=True)
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
            m.add(entity_patterns(alias), ("place", place.name), ENTITY)
    for actor_id, names in gaz.actor_aliases.items():
        for alias in names:
            m.add(entity_patterns(alias), ("actor", actor_id), ENTITY)
    for actor_id, names in gaz.actor_metonyms.items():
        for alias in names:
            m.add(entity_patterns(alias), ("metonym", actor_id), ENTITY)
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


Speech = tuple[int, str, str, bool]  # (token position, actor id, cue, is it an appeal?)


def _sentence_words(text: str) -> list[str]:
    """words(text), sentence by sentence ("... tense." " Officials said ..."): the tokens are the
    same (no token, acronym or spaced dash spans ". "), and a sentence a feed repeats from item to
    item (boilerplate, a wire story in several feeds) is tokenized once."""
    pieces = text.split(". ")
    if len(pieces) == 1:
        return words(text)
    last = len(pieces) - 1
    tokens: list[str] = []
    for k, piece in enumerate(pieces):
        tokens += _piece_words((" " + piece if k else piece) + ("." if k < last else ""))
    return tokens


@lru_cache(maxsize=4096)
def _piece_words(piece: str) -> tuple[str, ...]:
    """One sentence's tokens, kept for the next item that repeats it (a tuple: shared, never changed)."""
    return tuple(words(piece))


_ENDS_SENTENCE = SENTENCE_END.__contains__
_BLOCKERS = (("not_event", ("event1", "event2")), ("not_access", ("hum1", "hum2")))  # cue kind → the kinds it blocks


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in order, without those inside an earlier or longer one. A plain sort (no key
    function) and keeping the longest span per start do what sorting by (start, -end) did."""
    spans.sort()
    kept: list[tuple[int, int]] = []
    for sp in spans:
        if kept and kept[-1][0] == sp[0]:
            kept.pop()  # the same start, and this one is as long or longer
        if not kept or sp[1] > kept[-1][1]:
            kept.append(sp)
    return kept


class _Reading:
    """An item as the rules see it: its tokens and sentences, and the names and cues found where.

    The helpers answer the questions every rule asks: who is the subject before this verb, who
    follows it, is this act hedged ("would", "called on ... to withdraw"), is this name a place.
    """

    def __init__(self, title: str, summary: str) -> None:
        self.actors = load().actors
        title_tokens = words(title[:TITLE_CHARS]) if title else []
        summary_tokens = _sentence_words(summary[:SUMMARY_CHARS]) if summary else []
        tokens = [*title_tokens, ".", *summary_tokens] if title_tokens else summary_tokens
        self.tokens = tokens
        self.title_end = len(title_tokens)
        self.n = len(tokens)
        # sentence number of every token (a token ending a sentence belongs to it)
        self.sentence = sentence = list(accumulate(map(_ENDS_SENTENCE, tokens), initial=0))
        sentence.pop()  # the count after the last token
        self.places: dict[str, None] = {}
        self.mentions: list[_Mention] = []
        self.side_at: dict[int, str] = {}  # last token of a side word → that side's generic actor
        side_span: dict[int, int] = {}
        cues: dict[str, list[tuple[int, int]]] = defaultdict(list)
        # One-word cues come once a word, in order: only a kind with a longer cue may hold one
        # inside another (sorting and filtering every kind cost ~4% of an item).
        overlapping: set[str] = set()
        for start, end, payloads in matcher().scan(tokens):
            for what, value in payloads:
                if what == "cue":
                    cues[value].append((start, end))
                    if end - start > 1:
                        overlapping.add(value)
                elif what == "place":
                    self.places[value] = None
                elif what in ("actor", "metonym"):
                    self.mentions.append(_Mention(start, end, value, "name" if what == "actor" else "metonym"))
                elif side_span.get(end - 1, 0) < end - start:  # a side word; the longer phrase wins
                    side_span[end - 1] = end - start
                    self.side_at[end - 1] = value
        for kind in overlapping:  # within a kind, a cue inside a longer one is that cue ("humanitarian aid")
            if len(cues[kind]) > 1:
                cues[kind] = _outermost(cues[kind])
        for blocker_kind, kinds in _BLOCKERS:
            if blocker_kind not in cues:
                continue  # (most items)
            for a, b in cues[blocker_kind]:  # "a detention centre", "international humanitarian law"
                for kind in kinds:
                    if kind in cues:
                        cues[kind] = [sp for sp in cues[kind] if not (a <= sp[0] and sp[1] <= b)]
        self.cues = cues
        self.verb_starts = {s for kind in ("say", "appeal", "polite", "deny") for s, _ in cues.get(kind, ())}
        future = cues.get("future")
        self.hedges = {s for s, _ in future} | {e - 1 for _, e in future} if future else set()
        self.candidates: list[_Mention] = []  # possible speakers, set once the generic ones are known
        self.relays: list[_Mention] = []  # the others: news agencies, who relay and do not speak
        self.mention_ends: set[int] = set()  # where mentions end, set with the candidates
        # offices of no known side, with the sides they might be: a subject, but no speaker
        self.unknown: list[tuple[int, int, frozenset[str]]] = []
        self.unsure: list[tuple[int, str]] = []  # a party speaks, but which one the text does not say
        self.civil: list[int] = []  # reporting verbs whose subject is no party: residents, witnesses ...

    def side(self, actor_id: str) -> str:
        return self.actors[actor_id].side

    def label(self, span: tuple[int, int]) -> str:
        if span[1] - span[0] == 1:  # most cues are one word: no slice and join
            return self.tokens[span[0]]
        return " ".join(self.tokens[span[0] : span[1]])

    def same_sentence(self, a: int, b: int) -> bool:
        return self.sentence[a] == self.sentence[b]

    def sentence_start(self, pos: int) -> int:
        if pos <= 0:
            return pos
        # sentence numbers never decrease: a binary search in C, not a walk back token by token
        return bisect_left(self.sentence, self.sentence[pos], 0, pos)

    def as_place(self, m: _Mention) -> bool:
        """"in Baku", "residents of Stepanakert", "officials of the Karabakh reconstruction programme":
        a metonym after a preposition (and an article) is a place, not a subject."""
        if m.how != "metonym" or m.start == 0:
            return False
        k = m.start - 1
        if self.tokens[k] == "the" and k > 0:
            k -= 1
        return self.tokens[k] in _PLACE_PREPOSITIONS

    def subject_like(self, m: _Mention, pos: int) -> bool:
        """A metonym ("Baku", "Armenia") speaks only as a subject: right before the verb. Nobody is
        the subject of a relative clause's naming ("the town, which Azerbaijan calls Khankendi, ...")."""
        if m.how != "metonym":
            return True
        if m.start > 0 and (self.tokens[m.start - 1] in _RELATIVE or self.tokens[m.start - 1] in _AGENT):
            return False  # "which Azerbaijan calls", "the ban by Azerbaijan threatens ...": not the subject
        if self.as_place(m):
            return False
        between = self.tokens[m.end : pos]
        if between and between[-1] == ",":
            between = between[:-1]
        return len(between) <= 3 and not any(t in _NOT_IN_SUBJECT for t in between)

    def before(self, pos: int, window: int = SPEAKER_WINDOW) -> _Mention | None:
        """The nearest possible speaker ending before `pos` in its sentence: a verb's subject."""
        best = None
        for m in self.candidates:
            if m.end > pos:
                break
            if best is not None and best.start <= m.start and m.end <= best.end:
                continue  # "Карабахский омбудсмен": the office, not the name inside it
            if m.start >= pos - window and self.same_sentence(m.start, pos) and self.subject_like(m, pos):
                best = m
        if best is not None and self.unknown_before(pos, best.end) is not None:
            return None  # "... of the Armenian units, the ministry said": the subject is an office of no known side
        return best

    def unknown_before(self, pos: int, after: int = 0) -> tuple[int, int, frozenset[str]] | None:
        """An office of no known side right before the verb at `pos` ("..., the ministry said")."""
        for office in self.unknown:
            s, e = office[0], office[1]
            if after <= s and pos - 3 <= e <= pos and self.same_sentence(e - 1, pos) and self.office_subject(s):
                return office
        return None

    def office_opens(self, pos: int) -> tuple[int, int, frozenset[str]] | None:
        """An office of no known side opening the sentence of the verb at `pos`: in a verb-final
        sentence that is the subject ("Nazirlik erməni ... bildirib")."""
        first = self.sentence_start(pos)
        for office in self.unknown:
            if office[0] == first and office[1] <= pos:
                return office
        return None

    def unknown_after(self, pos: int) -> tuple[int, int, frozenset[str]] | None:
        """An office of no known side right after the verb ending at `pos` ("..., said the ministry")."""
        for office in self.unknown:
            if pos <= office[0] <= pos + 2 and self.same_sentence(office[0], pos - 1):
                return office
        return None

    def closing(self, pos: int) -> bool:
        """Is the reporting verb at `pos` the sentence's closing attribution ("..., the Kremlin said
        Thursday.", "..., said the ministry.")? Then the sentence before it is the source's content."""
        tokens = self.tokens
        if pos >= self.n or (tokens[pos] not in _INVERTIBLE and tokens[pos] not in ("say", "reports", "report")):
            return False  # "..., while Baku denied targeting ..." is a second voice, not the source of the first
        k = pos - 1
        while k > pos - 9 and k >= 0 and self.same_sentence(k, pos) and tokens[k] not in (",", '"', ";", ":"):
            if tokens[k] in _CONTRAST or tokens[k] == "and":
                return False
            k -= 1
        if k < 0 or tokens[k] not in (",", '"') or not self.same_sentence(k, pos) or self.sentence_start(pos) == k:
            return False
        end = pos + 1
        while end < self.n and self.same_sentence(end, pos) and tokens[end] not in SENTENCE_END:
            if end - pos > 8 or tokens[end] in ("that", ",", ";", ":"):
                return False
            end += 1
        return True

    def opens_headline(self, m: _Mention) -> bool:
        """Does the speaker open the headline ("Russia's MoD:", "The Karabakh ombudsman:")? Words
        before it that are not names ("Погибли российские миротворцы:") make it the story, not the source."""
        start = self.sentence_start(m.start)
        covered = {p for x in self.mentions for p in range(x.start, x.end)} | set(self.side_at)
        return all(self.tokens[p] in _SKIP_BETWEEN or p in covered for p in range(start, m.start))

    def party_unsure(self, verb: tuple[int, int], office: tuple[int, int, frozenset[str]] | None) -> bool:
        """An office that can only be one of the parties speaks: a statement, with no speaker named."""
        if office is None or not office[2] or not office[2] <= _PARTY_GENERICS:
            return False
        reason = f"{self.label(verb)} — {self.label(office[:2])} (a party's side; no speaker named)"
        self.unsure.append((verb[0], reason))
        return True

    def acts_between(self, a: int, b: int) -> bool:
        """Is there an act or a reporting verb between `a` and `b` ("peacekeepers killed:")?"""
        return any(a <= s < b for kind in ("event1", "event2") for s, _e in self.cues.get(kind, ())) or any(
            a <= v < b for v in self.verb_starts)

    def civil_subject(self, verb: int) -> bool:
        """Does the sentence open with a subject who is no party ("Residents and local officials
        said", "An RFE/RL correspondent at the scene, ..., reported")? Its first words, to a comma."""
        start = self.sentence_start(verb)
        for t in self.tokens[start : min(verb, start + 6)]:
            if t in _CIVIL:
                return True
            if t in _DETERMINERS:
                continue  # "A correspondent", "Local residents"
            if t in (",", ";", ":") or t in _OF or t in _PLACE_PREPOSITIONS:
                break  # "Rights of Karabakh people must be addressed, says Iran": the subject is "rights"
        return False

    def owned(self, pos: int) -> bool:
        """Is the token before `pos` an actor's name or a side word ("UN experts", "Armenian officials")?"""
        return pos > 0 and ((pos - 1) in self.side_at or pos in self.mention_ends)

    def clause_ends(self, pos: int, within: int) -> bool:
        """Does the clause end within `within` tokens of `pos` ("..., said a spokesman.")?"""
        ahead = self.tokens[pos : pos + within]
        return any(t in SENTENCE_END or t == "," for t in ahead) or pos + within > self.n

    def office_subject(self, start: int) -> bool:
        """"the ministry said" yes; "(upper house of parliament) ... said" no: after a preposition it is no subject."""
        k = start - 1
        if k > 0 and self.tokens[k] == "the":
            k -= 1
        return k < 0 or (self.tokens[k] not in _PLACE_PREPOSITIONS and self.tokens[k] != "(")

    def after(self, pos: int, window: int) -> _Mention | None:
        """The first possible speaker (not a metonym) from `pos` on: "..., said the Kremlin"."""
        if self.unknown_after(pos) is not None:
            return None
        for m in self.candidates:
            if m.start >= pos + window:
                break
            at = m.start == pos or (m.start == pos + 1 and self.tokens[pos] == "в")  # "..., утверждают в Баку"
            if m.start >= pos and self.same_sentence(m.start, pos) and (m.how != "metonym" or (
                    at and (m.end >= self.n or self.tokens[m.end] in _CLAUSE_END))):
                return m  # "..., says Iran." — a country right after the verb, ending the clause, speaks
        return None

    def inflected(self, m: _Mention) -> bool:
        """Is an Armenian or Azerbaijani name in a case no subject takes — genitive, dative,
        ablative, comitative ("Ադրբեջանի", "Ermənistanın", "Ermənistanla") — or the object of a
        postposition ("Rusiya sülhməramlıları barədə", "Ադրբեջանի հետ")?"""
        last = self.tokens[m.end - 1]
        if m.end < self.n and self.tokens[m.end] in _POSTPOSITIONS:
            return True
        if last in _name_tokens() or not last.isalpha():
            return False
        if "\u0530" <= last[:1] <= "\u058f":
            return last.endswith(_HY_CASES)
        # the head decides the case: "Rusiyanın sülhməramlıları" (Russia's peacekeepers) is nominative
        return last.isascii() and last.endswith(_AZ_CASES)

    def verb_final_subject(self, pos: int, end: int) -> _Mention | None:
        """The subject of an Armenian or Azerbaijani verb-final sentence: its first actor, unless that
        one is inflected ("Ermənistanın ... barədə Müdafiə Nazirliyi məlumat yayıb"); then the
        nominative actor nearest before the verb, or an Armenian subject right after it ("... մասին
        հայտնել է ՀՀ ՊՆ-ն")."""
        if self.tokens[pos] in _GENITIVE_ATTRIBUTION:  # "Արցախի իշխանությունների հաղորդմամբ՝": the genitive speaks
            return next((x for x in self.candidates if x.end == pos), None) or self.subject(pos)
        m = self.subject(pos)
        if m is None or not self.inflected(m):
            return m
        best = None
        for x in self.candidates:
            if x.end > pos:
                break
            if x.start > m.start and self.same_sentence(x.start, pos) and not self.inflected(x) and (
                    x.how != "metonym" or (self.subject_like(x, pos) and not self.as_place(x))):
                best = x
        if best is None:
            after = self.after(end, 4)
            if after is not None and not self.inflected(after):
                best = after
        return best

    def subject(self, pos: int) -> _Mention | None:
        """The first actor of the sentence, when a verb shares its subject ("X ..., but added")."""
        for m in self.candidates:
            if m.end > pos:
                return None
            if self.same_sentence(m.start, pos):
                start = self.sentence_start(m.start)
                if m.start - start <= 3 and (m.how != "metonym" or m.start == start):
                    return m
                return None  # the sentence's subject is no actor ("Hundreds of residents ..., demanding")
        return None

    def hedged(self, start: int, reach: int = 3) -> bool:
        """Is the act at `start` only planned, feared, denied, or asked for ("would", "to withdraw")?"""
        tokens = self.tokens
        if start > 1 and tokens[start - 1] == "to" and tokens[start - 2] in _INTENDING:
            return True  # "agreed to disband", "ready to withdraw" — not "began to withdraw", "used arms to fire"
        if not self.hedges:
            return False
        return any((start - k) in self.hedges and self.same_sentence(start - k, start) for k in range(1, reach + 1))


def _generic_speakers(r: _Reading, feed_side: str | None, feed_kind: str | None) -> None:
    """Speakers without a name: a side word next to an official noun ("Armenian officials", "the
    leadership of the breakaway region", "Baku's foreign ministry"), "both sides", and an
    unqualified "the ministry" whose side the sentence or the feed gives."""
    tokens, n, side_at, sentence = r.tokens, r.n, r.side_at, r.sentence
    named_spans = [(m.start, m.end) for m in r.mentions if m.how == "name"] if r.mentions else []
    found_by_scan = len(r.mentions)
    qualified: dict[str, set[str]] = {}  # office → the sides a possessive, adjective or "of X" gave it
    unresolved: list[tuple[int, int]] = []  # offices the text does not qualify where they stand
    for start, end in r.cues.get("official", ()):
        if tokens[start] == "side" and end < n and tokens[end] == "of":
            continue  # "the Armenian side of the border" is a place
        found = None
        j, steps = start - 1, 0
        # at most one word between: "Azerbaijan's presidential aide"
        while j >= 0 and steps < 2 and sentence[j] == sentence[start]:
            if j in side_at:
                found = (j, end, side_at[j])
                break
            if tokens[j] in (",", ";", ":"):
                break  # "at the request of France, diplomats said": France is not the diplomats' side
            if tokens[j] not in _SKIP_BETWEEN:
                steps += 1
            j -= 1
        if found is None and end < n and end in side_at and sentence[end] == sentence[start] and not _head_final(
                tokens[start]):
            found = (start, end + 1, side_at[end])  # "le autorità armene", "власти Армении"
        k = end
        while k < n and k < end + 5 and tokens[k] not in _OF and tokens[k] in _ASIDE:
            k += 1  # "the Ministry of Defence (MoD) of Nagorno-Karabakh"
        if found is None and k < n and tokens[k] in _OF:
            for j in range(k + 1, min(n, k + 6)):
                if sentence[j] != sentence[start]:
                    break
                if j in side_at:
                    after_side = tokens[j + 1] if j + 1 < n else "."
                    # "the leadership of the breakaway region" yes; "officials of the Karabakh
                    # reconstruction programme" no: the side word must end the phrase
                    if after_side in _ENDS_SIDE_PHRASE or after_side in PUNCT or (j + 1) in r.verb_starts:
                        found = (start, j + 1, side_at[j])
                    break
        if found is None:
            unresolved.append((start, end))
            continue
        s, e, actor_id = found
        if "opposition" in tokens[max(0, s - 2) : e]:  # "opposition MPs in Yerevan": Armenian, not its government
            r.unknown.append((start, end, frozenset({actor_id})))
            continue
        qualified.setdefault(_office_key(tokens[start:end]), set()).add(actor_id)
        if not any(a < e and s < b for a, b in named_spans):
            r.mentions.append(_Mention(s, e, actor_id, "generic"))
    for start, end in unresolved:
        actor_id, maybe = _unqualified_office(r, start, end, qualified, feed_side, feed_kind)
        if named_spans and any(
                (a < end and start < b) or (a == end and _title(tokens[end - 1])) for a, b in named_spans):
            continue  # "Müdafiə Nazirliyi" is a name, "Prezident İlham Əliyev" a title: the speaker is known
        if actor_id is None:
            r.unknown.append((start, end, maybe))  # someone speaks here, but whose office the text does not say
        else:
            r.mentions.append(_Mention(start, end, actor_id, "generic"))
    for start, end in r.cues.get("both", ()):  # "both sides accused each other": each party speaks
        r.mentions.append(_Mention(start, end, "armenia-government", "both"))
        r.mentions.append(_Mention(start, end, "azerbaijan-government", "both"))
    if len(r.mentions) > found_by_scan:  # the scan's own mentions come in this order already
        r.mentions.sort(key=lambda m: (m.start, -m.end))
    if r.mentions:  # (most items name one or two actors, many none: no comprehension for nothing)
        r.candidates = [m for m in r.mentions if r.actors[m.actor].type not in NON_SPEAKING]
        r.relays = [m for m in r.mentions if r.actors[m.actor].type in NON_SPEAKING]
        r.mention_ends = {m.end for m in r.mentions}


def _office_key(office: list[str]) -> str:
    """"Karabakh's human rights defender" and a headline's bare "Ombudsman:" are one office."""
    if len(office) == 1:  # most offices are one word: one dict lookup
        return _OFFICE_OF_WORD.get(office[0], office[0])
    words_ = set(office)
    for key, marks in _OFFICES:
        if words_ & marks:
            return key
    return office[-1] if office else ""


_OFFICES = (
    ("ombudsman", frozenset({"ombudsman", "ombudsperson", "defender", "rights", "омбудсмен", "омбудсмена"})),
    ("defence", frozenset({"defence", "defense", "mod", "минобороны"})),
    ("foreign", frozenset({"foreign", "mfa", "мид", "ագն"})),
    ("prosecutor", frozenset({"prosecutor", "prosecutors"})),
)
_OFFICE_KEYS = frozenset(key for key, _ in _OFFICES)
_OFFICE_OF_WORD = {word: key for key, marks in _OFFICES for word in marks}  # the mark sets do not overlap
assert len(_OFFICE_OF_WORD) == sum(len(marks) for _, marks in _OFFICES)


def _unqualified_office(
    r: _Reading, start: int, end: int, qualified: dict[str, set[str]], feed_side: str | None, feed_kind: str | None
) -> tuple[str | None, frozenset[str]]:
    """Whose is an office the text names bare ("Ombudsman: ...", "the ministry said")? In order:
    the name it continues ("the Karabakh emergency services ministry"); the same office qualified
    elsewhere in the item ("Karabakh's human rights defender"); a side's own official feed; a side's
    state outlet, unless the sentence is about another party; else the one party the sentence names
    ("An Azerbaijani soldier was wounded ..., the ministry said"), not counting places. Anything else is unsure, and
    unsure is no speaker: returns (None, the sides it might be)."""
    tokens, n, sentence = r.tokens, r.n, r.sentence
    for m in r.mentions:
        if m.end == start and m.how in ("name", "generic"):
            return m.actor, frozenset()
    key = _office_key(tokens[start:end])
    if key in _OFFICE_KEYS:
        sides = qualified.get(key, set())
    elif start < r.title_end:  # a headline's bare "Ministry says" is the office the summary names
        sides = set().union(*qualified.values()) if qualified else set()
    else:
        sides = set()  # "the government building" is not "Armenia's government"
    if len(sides) == 1:
        return next(iter(sides)), frozenset()
    if sides:
        return None, frozenset(sides)  # "Armenia's and Azerbaijan's foreign ministries ...; the ministry said"
    # the parties the sentence names before the office ("... of the Armenian formations, the ministry said");
    # only their positions count (as a set), so the few side words are read, not every token before the office
    first = r.sentence_start(start)
    named = [j for j, side in r.side_at.items() if first <= j < start and side in _PARTY_GENERICS] if r.side_at else []
    generic = _SIDE_GENERIC.get(feed_side or "")
    if not named and not (generic and feed_kind in ("official", "state-media")):
        return None, frozenset()  # what the rest finds when the sentence names no party and no outlet speaks
    # "in Nagorno-Karabakh" is where, not who
    places = {m.end - 1 for m in r.mentions if r.as_place(m)} if named else set()
    # "the ministry said", "Defence Minister Zakir Hasanov warned" (a name we do not know between)
    verb = None
    for k in range(end, min(n, end + 3)):
        if k in r.verb_starts:
            verb = k
            break
    speaks = verb is not None and PUNCT.isdisjoint(tokens[end:verb])
    if not speaks and start == r.sentence_start(start):  # "Nazirlik ... bildirib": the office opens, the verb ends it
        speaks = _head_final(tokens[start]) and any(
            v > end and r.same_sentence(v, start) and _verb_final(tokens[v]) for v in r.verb_starts)
    if generic and feed_kind in ("official", "state-media"):
        # an unqualified "the defence ministry", in a side's own official or state outlet, is that side's
        # ... unless a state outlet's sentence is about another party: "X units were destroyed, the ministry said"
        bare = start == 0 or tokens[start - 1] in ("the", ".", ":", ",") or sentence[start - 1] != sentence[start]
        if bare and end < n and (tokens[end] in (":", ",") or speaks):  # not "local officials said"
            others = {r.side_at[j] for j in named if j not in places}
            if feed_kind == "official" or others <= {generic}:
                return generic, frozenset()
            return None, frozenset(others | {generic})
        if feed_side in PARTIES:
            return None, frozenset()
    unqualified = start == 0 or tokens[start - 1] in ("the", ",") or "the" in tokens[max(0, start - 3) : start - 1]
    if not r.verb_starts.isdisjoint(range(max(0, start - 3), start)) and (end >= n or tokens[end] in _CLAUSE_END):
        speaks = unqualified = True  # "..., said the ministry", "..., հայտնում են իշխանությունները"
    # who the sentence names as actors; the places it happens in say nothing of whose office it is
    # ("... on Nagorno-Karabakh at the request of France, diplomats said")
    about = {r.side_at[j] for j in named if j not in places}
    if speaks and unqualified and len(about) == 1:
        return next(iter(about)), frozenset()
    return None, frozenset(about) if unqualified else frozenset()  # "local authorities" may be no party's


def _speech_acts(r: _Reading, feed_side: str | None, feed_kind: str | None) -> tuple[list[Speech], list[int], set[str]]:
    """Who says something, where: (speech acts, positions of verbs whose object is not reported as
    done — denials, appeals, apologies, a third party's condemnation —, the actors who deny)."""
    tokens, n = r.tokens, r.n
    speech: list[Speech] = []
    governed: list[int] = []
    deniers: set[str] = set()

    def add(m: _Mention | None, pos: int, cue: str, appeal: bool = False) -> None:
        if m is not None and m.how == "both":  # "both sides accused each other": each party speaks
            speech.extend((pos, x.actor, cue, appeal) for x in r.candidates if x.how == "both" and x.start == m.start)
        elif m is not None:
            speech.append((pos, m.actor, cue, appeal))

    # colon attribution in the headline (or the summary's start when there is no title)
    head_end = min(r.title_end if r.title_end else min(n, 12), 12)
    # (most headlines have neither a colon nor a full stop in their first seven words: no loop;
    # keep this test in step with the loop's two triggers, ":" anywhere and "." at i <= 6)
    for i in range(head_end if ":" in tokens[:head_end] or "." in tokens[:min(head_end, 7)] else 0):
        # "Փաշինյան. ..." — Armenian headlines separate the speaker with a full stop
        armenian_stop = tokens[i] == "." and r.title_end and i <= 6 and any(
            m.start == 0 and m.end == i and m.how != "metonym" for m in r.candidates)
        if tokens[i] == ":" or armenian_stop:
            m = r.before(i, 10)
            # "Karabakh: thousands flee" is a topic; "Russian peacekeepers killed: ..." an event, not a speaker
            if m is not None and m.how != "metonym" and r.opens_headline(m) and not r.acts_between(m.end, i):
                add(m, i, "colon attribution")
            break
    # dash attribution at the end of a headline ("... - Kremlin", "... – Amnesty International")
    if r.title_end and "-" in tokens[max(r.title_end - 8, 0) + 1 : r.title_end]:
        for i in range(r.title_end - 1, max(r.title_end - 8, 0), -1):
            if tokens[i] == "-":
                m = r.after(i + 1, 8)
                # "... - Kremlin", not "— at the Security Council meeting"
                if m is not None and all(t in PUNCT for t in tokens[m.end : r.title_end]):
                    add(m, i, "dash attribution")
                break
    verb_speech = False
    kinds = [kind for kind in ("appeal", "deny", "polite", "say") if kind in r.cues]
    if len(kinds) == 1:  # one kind (mostly "say"): its spans already start one per token, in order
        verbs = [(start, end, kinds[0]) for start, end in r.cues[kinds[0]]]
    else:
        longest: dict[int, tuple[int, int, str]] = {}  # "called for" (an appeal), not "called" (a statement)
        for kind in kinds:
            for start, end in r.cues[kind]:
                if start not in longest or end > longest[start][1]:
                    longest[start] = (start, end, kind)
        verbs = sorted(longest.values())
    last_verb_end: dict[int, int] = {}  # sentence → where the last accepted reporting verb ended
    for start, end, kind in verbs:
        prev = tokens[start - 1] if start else "."
        nxt = tokens[end] if end < n else "."
        if prev in _BE or (nxt in _PASSIVE_NEXT and tokens[end - 1] in _PASSIVE_VERBS) or nxt == "as":
            continue  # passive: "was reported by", "a man accused of" — not this subject speaking
        if nxt == "to" and tokens[end - 1] in _ADD:
            continue  # "deaths add to the strain": no reporting
        earlier = last_verb_end.get(r.sentence[start])
        if earlier is not None and _CLAUSE_BREAK.isdisjoint(tokens[earlier:start]):
            continue  # reported speech inside reported speech: "X said Y had denied ..." is X's
        last_verb_end[r.sentence[start]] = end
        verb_speech = True
        appeal = kind == "appeal"  # (the verb's label, the cue, is made only for a speaker)
        if kind in ("polite", "deny", "appeal"):
            governed.append(start)  # what is asked for, apologised for or denied is not reported as done
        if prev in _PRONOUNS:
            add(r.subject(start), start, r.label((start, end)), appeal)  # "Azerbaijan ... what it called"
            continue
        if prev in _NOT_ACTORS and start not in r.mention_ends:
            if (prev in _CIVIL or r.civil_subject(start)) and not r.owned(start - 1):
                r.civil.append(start)  # "..., residents say": the source is no party (not "UN experts")
            continue  # "his family said", "witnesses told": someone, not an actor
        if r.relays and any(x.end == start for x in r.relays):
            continue  # "..., Reuters reported": an agency relays, it is no speaker, and nobody else is the subject
        m = None
        fallback = True  # may the nearest actor before the verb be its subject?
        if prev in (",", '"') or prev in SENTENCE_END:
            if tokens[end - 1] in _INVERTIBLE:
                m = r.after(end, 10)  # "..., said the Kremlin"
                if m is not None and m.start == end and m.end < n and tokens[m.end] in _FINITE:
                    m = None  # "Medvedev, ..., said Pashinyan had lost Karabakh": Pashinyan is what he said
                if m is None and (nxt in _DETERMINERS or nxt in _NOT_ACTORS) and r.clause_ends(end, 5):
                    # "..., said a spokesman", "said witnesses": a subject we do not know, not the clause's actor
                    if not r.party_unsure((start, end), r.unknown_after(end)) and _CIVIL.intersection(
                            tokens[end : end + 4]):
                        r.civil.append(start)
                    continue
                if m is None and tokens[end - 1] not in ("told", "tells") and any(x.start == end for x in r.relays):
                    continue  # "..., reported Reuters" (but "..., she told RFE/RL": she speaks)
            elif prev == ",":
                m = r.subject(start)  # "Blinken calls Aliyev and Pashinyan, urges ...": the headline's subject
                fallback = False  # "Residents blocked the road to the peacekeepers' base, demanding ...": not them
        elif prev in _SHARES_SUBJECT:
            m = r.subject(start)  # "... and called for", "... to call for"
        elif _verb_final(tokens[end - 1]) and "deye" not in tokens[r.sentence_start(start) : start]:
            m = r.verb_final_subject(start, end)  # Azerbaijani and Armenian put the verb last: the subject opens it
            if m is None and r.subject(start) is not None:
                fallback = False  # the sentence opens with an inflected name; the one before the verb is its object
            opener = r.office_opens(start)  # "Նախարարությունը ադրբեջանական զինուժի ... հայտնել է": the
            if opener is not None and (m is None or opener[0] < m.start):  # ministry speaks, not its object
                m, fallback = None, False
        if m is None and fallback:
            m = r.before(start)
        if m is None:
            office = r.unknown_after(end) if prev in (",", '"') else r.unknown_before(start) or r.office_opens(start)
            if not r.party_unsure((start, end), office) and r.civil_subject(start):
                r.civil.append(start)  # "Residents of Stepanakert, ..., reported explosions"
            continue
        cue = r.label((start, end))
        add(m, start, cue, appeal)
        if kind == "deny":
            deniers.add(m.actor)
        if tokens[start].startswith(_CONDEMNING) and r.side(m.actor) not in PARTIES:
            governed.append(start)  # a third party condemning an act: a reaction; the act is its object
        j = m.start - 1  # "Yerevan and the head of the UN refugee agency said": both speak
        while j > max(0, m.start - 8) and tokens[j] != "and" and tokens[j] not in PUNCT:
            j -= 1
        if j > 0 and tokens[j] == "and":
            for other in r.candidates:
                if other.end == j and r.same_sentence(other.start, start) and not r.as_place(other):
                    add(other, start, cue, appeal)
        elif j > 0 and tokens[j] == "," and m.start == j + 1:  # "EU, US welcome ceasefire": a headline's list
            for other in r.candidates:
                if (other.end == j and other.start == r.sentence_start(start) and other.how != "metonym"
                        and r.same_sentence(other.start, start)):
                    add(other, start, cue, appeal)
        if m.end < start and tokens[m.end] in ("and", ","):  # "Pashinyan and Aliyev spoke ... and agreed": both
            for other in r.candidates:
                if other.start == m.end + 1 and other.end < start and other.how != "metonym" and other.actor != m.actor:
                    add(other, start, cue, appeal)
    if not speech:
        for start, end in r.cues.get("cont", ()):  # "raised the flag, calling it ...": the subject speaks
            add(r.subject(start), start, r.label((start, end)))
    for start, end in r.cues.get("according", ()):
        add(r.after(end, 8), start, r.label((start, end)))
    if not speech and not verb_speech:
        for start, end in r.cues.get("noun", ()):
            add(_owner(r, start, end), start, r.label((start, end)))
    # the feed speaks for itself: an official feed's "the ministry said" is that side's statement
    if not speech and feed_kind == "official" and feed_side and (verb_speech or r.cues.get("noun")):
        generic = _SIDE_GENERIC.get(feed_side)
        if generic:
            speech.append((0, generic, f"official feed ({feed_side})", False))
    return speech, governed, deniers


def _owner(r: _Reading, start: int, end: int) -> _Mention | None:
    """Whose is a statement noun? "Baku's statement", "the Kremlin statement", "a statement by
    the ICRC" — not "the Washington declaration" (a name of the text) nor "... declaration at the
    White House" (where it was signed)."""
    m = r.before(start)
    if m is not None and m.how == "metonym" and r.tokens[m.end] != "'s":
        m = None
    if m is None:
        m = r.after(end, 6)
        link = r.tokens[end : m.start] if m is not None else []
        if m is not None and not (set(link) & {"by", "from", "of"} and set(link) <= _BY_LINK):
            m = None
    return m


_BY_LINK = frozenset({"by", "from", "of", "the", "issued", "released", "published", "made", "a", "an"})


def _route_speech(r: _Reading, speech: list[Speech], why: dict[str, list[str]], speaking: dict[str, None]) -> None:
    """A party speaking → statements; a third party → reactions; a humanitarian agency reporting
    its own work → humanitarian (unless it appeals to someone)."""
    for _pos, actor_id, cue, appeal in sorted(speech):
        who = r.actors[actor_id]
        speaking[actor_id] = None
        reason = f"{cue} — {who.name} ({who.side})"
        if who.side in PARTIES:
            why["statements"].append(reason)
        elif who.type not in HUMANITARIAN_TYPES or appeal:
            why["reactions"].append(reason)
        else:
            why["humanitarian"].append(reason)


def _diplomacy(
    r: _Reading, why: dict[str, list[str]], speaking: dict[str, None], feed_side: str | None = None,
    feed_kind: str | None = None,
) -> list[tuple[int, int]]:
    """Talks between the parties → statements; with a third party → reactions. Returns the cues.
    A party's outlet announcing talks with the other party may leave its own side unnamed ("a
    meeting with Karabakh's Armenian representatives will be held in Yevlakh"): the feed fills it in."""
    if "diplomacy" not in r.cues and "polite" not in r.cues and "treaty" not in r.cues:
        return []  # (most items: no talks to read)
    tokens = r.tokens
    meetings = [sp for sp in r.cues.get("diplomacy", ())
                if not (tokens[sp[0]].startswith("arriv") and _CROWD & set(tokens[max(0, sp[0] - 3) : sp[0]]))]
    meetings += r.cues.get("polite", ())  # "refugees arrived" is no visit; an apology to Putin is diplomacy
    diplomacy = sorted([*meetings, *r.cues.get("treaty", ())])
    if not diplomacy:
        return diplomacy
    sentences = {r.sentence[s] for s, _ in diplomacy}
    near = {p for s, e in diplomacy for p in range(s - 4, e + 4)}
    taking_part = [m for m in r.mentions
                   if r.sentence[m.start] in sentences and r.actors[m.actor].type not in NON_SPEAKING
                   and r.actors[m.actor].type not in HUMANITARIAN_TYPES and m.how != "both"
                   and (m.how != "metonym" or ((m.start in near or m.end - 1 in near) and not r.as_place(m)))
                   and _takes_part(r, m, diplomacy)]
    taking_part += [_Mention(p, p + 1, a, "side") for p, a in r.side_at.items() if p in near]  # "Armenian and
    taking_part.sort(key=lambda m: m.start)  # Azerbaijani commissions"
    sides = {r.side(m.actor) for m in taking_part}
    if feed_side in PARTIES and len(sides) == 1 and sides <= PARTIES:
        sides.add(feed_side)
    third = sides - PARTIES
    if third and not all(r.hedged(s, 5) for s, _ in diplomacy):  # "would not take part in its summit"
        why["reactions"].append(f"diplomacy with a third party: {r.label(diplomacy[0])}")
        for m in taking_part:
            if r.side(m.actor) not in PARTIES:
                speaking.setdefault(m.actor, None)
    party_led = bool(taking_part) and r.side(taking_part[0].actor) in PARTIES  # not "Blinken spoke with both leaders"
    if len(sides & PARTIES) >= 2 and party_led and meetings and not all(r.hedged(s, 5) for s, _ in meetings):
        why["statements"].append(f"diplomacy between the parties: {r.label(meetings[0])}")
    return diplomacy


def _takes_part(r: _Reading, m: _Mention, diplomacy: list[tuple[int, int]]) -> bool:
    """Is the actor a party to the talks or the text, not the object of another clause? "... not a
    party to the agreement ..., and said Russian peacekeepers bear responsibility": the peacekeepers
    are what Armenia speaks about (a statement), not a third party at the table (a reaction)."""
    for s, e in diplomacy:
        if not r.same_sentence(s, m.start):
            continue
        lo, hi = (m.end, s) if m.end <= s else (e, m.start)
        if hi - lo <= 10 and not any(lo <= v < hi for v in r.verb_starts if v != s):
            return True
    return False


def _third_party_acts(r: _Reading, speech: list[Speech], why: dict[str, list[str]], speaking: dict[str, None]) -> None:
    """A third party's own acts about the conflict (withdrawing troops, a court's order) → reactions."""
    for start, end in r.cues.get("act3", ()):
        m = r.before(start, 12)
        if m is None and r.side_at:  # "a column of Russian military vehicles withdrew": the side word is the subject
            near = [p for p in r.side_at if start - 8 <= p < start and r.same_sentence(p, start)]
            if near:
                p = max(near)
                m = _Mention(p, p + 1, r.side_at[p], "side")
        if m is None:
            continue
        who = r.actors[m.actor]
        if who.side not in PARTIES and who.type not in HUMANITARIAN_TYPES:
            why["reactions"].append(f"{r.label((start, end))} — {who.name} ({who.side})")
            speaking.setdefault(m.actor, None)
    # "ICJ to hear Armenia's case": a court or government opens the item
    if not why["reactions"] and not speech and r.mentions:
        first = next((m for m in r.mentions if m.how in ("name", "generic")), None)
        if first is not None and first.start <= 3:
            who = r.actors[first.actor]
            if who.side not in PARTIES and who.type in ("court", "international org", "government"):
                why["reactions"].append(f"a third party acts: {who.name} ({who.side})")
                speaking.setdefault(first.actor, None)


def _events(
    r: _Reading, governed: list[int], deniers: set[str], why: dict[str, list[str]], speaking: dict[str, None]
) -> None:
    """Physical acts reported as done → events; when a party reports them, "claimed by" says so."""
    cues = r.cues
    arrivals = cues.get("arrival", ())
    if arrivals:  # "74,000 refugees have arrived": a population movement
        crowd_at = {p for sp in cues.get("hum2", ()) for p in range(sp[0], sp[1])}
        crowd_at |= {i for i, t in enumerate(r.tokens) if t in _CROWD}
        for start, end in arrivals:
            if any(p in crowd_at and r.same_sentence(p, start) for p in range(max(0, start - 6), start)):
                cues.setdefault("event2", []).append((start, end))
    found: dict[str, list[str]] = {"event2": [], "event1": []}
    for kind, labels in found.items():
        if kind == "event1" and not found["event2"]:
            break  # weak cues only add reasons to a strong one
        for span in cues.get(kind, ()):
            governed_by_speech = bool(governed) and any(p < span[0] and r.same_sentence(p, span[0]) for p in governed)
            if not r.hedged(span[0]) and not governed_by_speech:
                labels.append(r.label(span))
    if found["event2"]:  # a strong cue decides; weak ones ("troops", "border") only add reasons
        why["events"].extend(dict.fromkeys(found["event2"] + found["event1"]))
        claimants = [r.actors[a] for a in speaking if r.side(a) in PARTIES and a not in deniers]
        if claimants:
            why["events"].append("claimed by " + ", ".join(a.name for a in claimants))


def _access(r: _Reading, feed_kind: str | None, why: dict[str, list[str]]) -> None:
    """Access, supplies, aid, displacement → humanitarian: one strong cue or two distinct weak ones."""
    strong = [r.label(span) for span in r.cues.get("hum2", ())]
    weak = [r.label(span) for span in r.cues.get("hum1", ())]
    for name in r.places:
        weight = ACCESS_PLACES.get(name)
        if weight == 2:
            strong.append(name)
        elif weight == 1:
            weak.append(name)
    for m in r.mentions:
        if r.actors[m.actor].type in HUMANITARIAN_TYPES or m.actor in ("unhcr", "un-ocha"):
            weak.append(r.actors[m.actor].name)
    if feed_kind == "humanitarian":
        weak.append("humanitarian feed")
    if strong or len({_lemma(w) for w in weak}) >= 2:
        why["humanitarian"].extend(dict.fromkeys(strong + weak))
    elif why["humanitarian"]:  # a humanitarian agency speaking, but no access cue: its words are news
        why["humanitarian"].extend(dict.fromkeys(weak))


def classify(
    title: str,
    summary: str,
    *,
    feed_side: str | None = None,
    feed_kind: str | None = None,
    feed_tags: tuple[str, ...] = (),
    language: str | None = None,
) -> Classification:
    """Label one item. Pure: the same text and feed metadata always give the same labels.

    `language` and `feed_tags` are accepted for the pipeline's sake but not needed: matching is
    script-aware on its own, and a feed's side and kind are the signals the rules use."""
    r = _Reading(title, summary)
    _generic_speakers(r, feed_side, feed_kind)
    speech, governed, deniers = _speech_acts(r, feed_side, feed_kind)
    why: dict[str, list[str]] = {pane: [] for pane in PANES}
    speaking: dict[str, None] = {}  # actors who speak or act, in order
    _route_speech(r, speech, why, speaking)
    if r.unsure:
        why["statements"].extend(reason for _pos, reason in r.unsure)
    diplomacy = _diplomacy(r, why, speaking, feed_side, feed_kind)
    _third_party_acts(r, speech, why, speaking)
    _events(r, governed, deniers, why, speaking)
    _access(r, feed_kind, why)

    # on topic: a place of the region, a party, or a party's own feed with something to say
    region = (not _non_region_places().issuperset(r.places)
              or any((r.side(m.actor) in PARTIES or m.actor in REGION_ACTORS) and m.how != "both" for m in r.mentions)
              or not _PARTY_GENERICS.isdisjoint(r.side_at.values()))  # fmt: skip
    panes_found = [pane for pane in PANES if why[pane]]
    on_topic = region or (feed_side in PARTIES and (bool(panes_found) or feed_kind == "official"))
    if on_topic and r.cues.get("offtopic") and not (why["events"] or why["humanitarian"] or speech or diplomacy):
        on_topic = False  # "Armenian weightlifter wins gold"
    # the feed's kind when the text says nothing decisive
    if on_topic and not panes_found and feed_side:
        if feed_kind == "official":
            why["statements" if feed_side in PARTIES else "reactions"].append(f"official feed ({feed_side})")
        elif feed_kind == "humanitarian":
            why["humanitarian"].append("humanitarian feed")
        panes_found = [pane for pane in PANES if why[pane]]

    speaker = _speaker(r, speech)
    actor_ids: dict[str, None] = {}
    if r.mentions:
        actor_ids = dict.fromkeys(m.actor for m in r.mentions if m.how != "metonym" or m.actor in speaking)
    actor_ids.update(speaking)
    return Classification(
        panes=tuple(panes_found),
        on_topic=on_topic,
        why=tuple([(pane, _distinct(why[pane])) for pane in panes_found]),
        speaker=speaker,
        actors=tuple(map(r.actors.__getitem__, actor_ids)),
        places=tuple(r.places),
    )


def _distinct(reasons: list[str]) -> tuple[str, ...]:
    """The reasons once each, in order."""
    return tuple(dict.fromkeys(reasons)) if len(reasons) > 1 else tuple(reasons)


def _speaker(r: _Reading, speech: list[Speech]) -> Actor | None:
    """The item's speaker: the source of its first attribution, the headline's first. The brief
    prints it as "<speaker> said", so when unsure it is None: the first source is no party
    ("residents say") or a party the text does not name, two sides speak as one subject ("Ankara
    and Yerevan agreed"), or, under a headline that names no speaker, two parties contradict each
    other in the lead ("Baku says ...; Karabakh officials deny it": whose claim is the headline?).
    What a colon or a closing attribution governs is the source's content, not another voice:
    "Mirzoyan: the world must voice concern", "Aliyev apologised ..., the Kremlin said", "... - Kremlin"."""
    if not speech:
        return None  # only voices of no actor (residents, an unnamed party's office): whoever is first, no speaker
    voices: list[tuple[int, str | None, str]] = [(pos, actor_id, cue) for pos, actor_id, cue, _appeal in speech]
    if r.civil:
        voices += [(pos, None, "") for pos in r.civil]
    if r.unsure:
        voices += [(pos, None, "") for pos, _reason in r.unsure]
    voices = [v for v in voices if v[0] < r.n]
    if not voices:
        return None
    heads = [pos for pos, _a, cue in voices if cue == "colon attribution"]  # the headline after the colon
    tails = [pos for pos, _a, cue in voices if cue == "dash attribution" or r.closing(pos)]  # "..., X said."

    def governed(p: int) -> bool:
        """Is `p` inside what a colon or closing attribution reports (the source's content)?"""
        return (any(p > h and r.same_sentence(p, h) for h in heads)
                or any(p < t and r.same_sentence(p, t) for t in tails))

    if heads or tails:
        voices = [v for v in voices if not governed(v[0])] or voices
    first_pos, first, _cue = min(voices, key=lambda v: (v[0] >= r.title_end if r.title_end else False, v[0]))
    if first is None:
        return None
    if any(pos == first_pos and actor_id != first for pos, actor_id, _cue in voices):
        return None  # one verb, two subjects ("Ankara and Yerevan agreed"): a joint statement has no single speaker
    if not r.title_end or first_pos < r.title_end:
        return r.actors[first]  # the headline's own speaker, or no headline: the text opens with its attribution
    side = r.side(first)
    # the lead's other voices, and the actors opening its contrasting clauses ("Baku speaks of ...;
    # Karabakh's representatives want ...": whose is the headline?)
    others = [(pos, actor_id) for pos, actor_id, _cue in voices if actor_id is not None]
    for m in r.candidates:
        k = m.start - 1 - (m.start > 0 and r.tokens[m.start - 1] == "the")
        if (k < 0 or r.tokens[k] in _CONTRAST or r.tokens[k] in SENTENCE_END) and not governed(m.start):
            others.append((m.start, m.actor))
    for pos, actor_id in others:
        between = r.tokens[min(pos, first_pos) : max(pos, first_pos)]
        # (the same sentence but for semicolons, and a contrast word between)
        if r.side(actor_id) != side and _FULL_STOPS.isdisjoint(between) and not _CONTRAST.isdisjoint(between):
            return None  # he said, she said: "Baku says ...; Karabakh officials deny it"
    return r.actors[first]


_CONTRAST = frozenset({";", "while", "whereas", "but", "however", "meanwhile", "mientras", "mentre", "tandis",
                       "während", "terwijl", "а", "но", "тогда"})
_FULL_STOPS = SENTENCE_END - {";"}


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


# A person's title right before the name: "Prezident İlham Əliyev", "Президент Путин", "Վարչապետ Փաշինյան".
_TITLES = ("president", "prezident", "президент", "minister", "министр", "nazir", "premier", "премьер", "spokes",
           "ombudsman", "ambassador", "посол", "envoy", "aide", "adviser", "advisor", "sozcu", "numayende")
_HY_TITLES = frozenset({"նախագահ", "վարչապետ", "նախարար", "դեսպան", "ներկայացուցիչ"})


def _title(word: str) -> bool:
    """Is the office word a person's title (then a name after it is that person), not an
    institution ("Պաշտպանության նախարարությունը ադրբեջանական զինուժի ...": the ministry, then its object)?"""
    return (word.startswith(_TITLES) and not word.startswith("nazirli")) or word in _HY_TITLES


_GENITIVE_ATTRIBUTION = frozenset({"հաղորդմամբ", "խոսքով"})  # "by X's report", "in X's words"
# Case endings no subject takes (folded), and postpositions whose object a name before them is.
_HY_CASES = ("ի", "ից", "ում", "ով", "ին", "ու", "ուց")
_AZ_CASES = ("in", "nin", "un", "nun", "a", "e", "ya", "ye", "da", "de", "ta", "te", "dan", "den", "tan", "ten", "la",
             "le", "ca", "ce")
_POSTPOSITIONS = frozenset({"barede", "haqqinda", "ile", "ucun", "terefinden", "eleyhine", "qarsi", "մասին",
                            "հետ", "դեմ", "կողմից", "համար", "նկատմամբ", "շուրջ"})


@cache
def _name_tokens() -> frozenset[str]:
    """The last word of every gazetteer name, folded: a name's own form is no case ending ("Şuşa",
    "Մարտունի"); its other words may be ("Ադրբեջանի ՊՆ" does not make "Ադրբեջանի" a nominative)."""
    gaz = load()
    names = [a for p in gaz.places for a in p.aliases]
    names += [a for group in (gaz.actor_aliases, gaz.actor_metonyms) for aliases in group.values() for a in aliases]
    return frozenset(toks[-1] for name in names if (toks := words(name)))


# Azerbaijani office words (folded): a side word after one is its object, not its owner.
_AZ_OFFICES = ("nazir", "hokumet", "prezident", "rehberliy", "numayende", "sozcu")


def _head_final(office: str) -> bool:
    """Is this office word Armenian or Azerbaijani, where the owner comes first ("Ադրբեջանի ԱԳՆ",
    "Ermənistan XİN")? Then the side word after it starts the object: "Nazirlik erməni silahlı
    birləşmələrinin mövqelərini ... bildirib" is Azerbaijan's ministry speaking about Armenians."""
    return ("\u0530" <= office[:1] <= "\u058f") or office.startswith(_AZ_OFFICES)


def _verb_final(verb: str) -> bool:
    """Azerbaijani (bildirib, məlumat verib, bildirir) and Armenian verbs end a subject-object-verb sentence."""
    return ("\u0530" <= verb[:1] <= "\u058f") or (verb.isascii() and verb.endswith(("ib", "ub", "ir", "ur")))
