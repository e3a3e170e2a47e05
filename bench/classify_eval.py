"""Measure the classifier on a labelled file: per-pane precision/recall/F1, actors, places, speed.

    .venv/bin/python bench/classify_eval.py                         # the project's fixture + ../shared dev set
    .venv/bin/python bench/classify_eval.py --data FILE [--errors]

FILE is JSON lines with `title`, `summary`, `labels` (E events, S statements, H humanitarian,
R reactions), `actors` and `places` as the text names them, optionally `lang`, `feed_side`,
`feed_kind`, and (for the brief's "X said") `speaker`: the actor's name, or null for "no speaker";
`not_places` / `not_actors` name what the text must NOT be tagged with (an ordinary word read as a
name: Armenian "տեղի" is not the village of Tegh).
An expected actor or place counts as found when the name, looked up the way the filter language
looks it up (find_actors / find_places), gives one of the labels the classifier produced; names
the gazetteer does not know count as misses (the second figure leaves them out).
A missing file is skipped with a note, so the default run works without ../shared.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.classify import PANES, classify, find_actors, find_places  # noqa: E402
from briefing.classify.matcher import words  # noqa: E402

LETTERS = {"E": "events", "S": "statements", "H": "humanitarian", "R": "reactions"}
DEFAULT_FILES = [
    ROOT / "tests" / "data" / "classify.jsonl",  # the fixture the rules were developed on
    ROOT / "tests" / "data" / "classify_holdout.jsonl",  # written later; each batch scored once before tuning
    ROOT.parent / "shared" / "eval" / "dev.jsonl",
]


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run(item: dict):
    return classify(
        item.get("title", ""),
        item.get("summary", ""),
        feed_side=item.get("feed_side"),
        feed_kind=item.get("feed_kind"),
        language=item.get("lang"),
    )


def evaluate(items: list[dict], show_errors: bool = False) -> dict:
    counts = {pane: [0, 0, 0] for pane in PANES}  # tp, fp, fn
    actor = [0, 0, 0, 0, 0]  # found, known to the gazetteer, named, named in the excerpt and known, found of those
    place = [0, 0, 0, 0, 0]  # found, known, named, named in the excerpt, found of those
    off_topic = 0
    speakers = [0, 0]  # right, items that say who speaks
    false_tags = [0, 0]  # tags the item must not have: given, checked
    topic = {(True, True): 0, (True, False): 0, (False, True): 0, (False, False): 0}  # (expected, judged)
    for number, item in enumerate(items, 1):
        result = run(item)
        expected = {LETTERS[x] for x in item.get("labels", [])}
        got = set(result.panes) if result.on_topic else set()
        if not result.on_topic:
            off_topic += 1
        topic[(item.get("on_topic", True), result.on_topic)] += 1
        for pane in PANES:
            if pane in got and pane in expected:
                counts[pane][0] += 1
            elif pane in got:
                counts[pane][1] += 1
            elif pane in expected:
                counts[pane][2] += 1
        ids = {a.id for a in result.actors} | ({result.speaker.id} if result.speaker else set())
        text = " " + " ".join(words((item.get("title") or "") + " . " + (item.get("summary") or ""))) + " "
        for _name, hit, known, in_text in _lookups(item.get("actors", []), find_actors, ids, text):
            actor[0] += hit
            actor[1] += known
            actor[2] += 1
            actor[3] += in_text and known
            actor[4] += hit and in_text and known
        missed_places = []
        for name, hit, known, in_text in _lookups(item.get("places", []), find_places, set(result.places), text):
            place[0] += hit
            place[1] += known
            place[2] += 1
            place[3] += in_text
            place[4] += hit and in_text
            if not hit:
                missed_places.append(name)
        found_places = result.places
        if "speaker" in item:
            speakers[1] += 1
            want = set(find_actors(item["speaker"])) if item["speaker"] else set()
            got_speaker = result.speaker.id if result.speaker else None
            speakers[0] += (got_speaker in want) if want else got_speaker is None
            if show_errors and not ((got_speaker in want) if want else got_speaker is None):
                print(f"#{number} speaker expected {item['speaker']!r} got {got_speaker!r}")
        for key, lookup, tagged in (("not_places", find_places, set(result.places)), ("not_actors", find_actors, ids),
                                    ("not_speaker", find_actors, {result.speaker.id} if result.speaker else set())):
            for name in item.get(key, ()):
                false_tags[1] += 1
                wrong = bool(set(lookup(name)) & tagged)
                false_tags[0] += wrong
                if show_errors and wrong:
                    print(f"#{number} wrongly tagged {key[4:]} {name!r}")
        if show_errors and (got != expected or missed_places or item.get("on_topic", True) != result.on_topic):
            shown = (item.get("title") or "") + " | " + (item.get("summary") or "")
            print(f"#{number} expected {'/'.join(sorted(expected))} got {'/'.join(sorted(got))}"
                  f"{' OFF-TOPIC' if not result.on_topic else ''}  {shown[:160]}")  # fmt: skip
            for pane, reasons in result.why:
                print(f"      {pane}: {'; '.join(reasons)}")
            if missed_places:
                print(f"      places missed: {missed_places}  found: {sorted(found_places)}")
    scores = {}
    for pane, (tp, fp, fn) in counts.items():
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[pane] = (precision, recall, f1, tp + fn)
    return {
        "panes": scores,
        "macro_f1": sum(s[2] for s in scores.values()) / len(scores),
        "actor_recall": actor[0] / actor[2] if actor[2] else 1.0,
        "actor_recall_known": actor[0] / actor[1] if actor[1] else 1.0,
        "actor_recall_in_text": actor[4] / actor[3] if actor[3] else 1.0,
        "place_recall": place[0] / place[2] if place[2] else 1.0,
        "place_recall_known": place[0] / place[1] if place[1] else 1.0,
        "place_recall_in_text": place[4] / place[3] if place[3] else 1.0,
        "counts": (actor[2], actor[1], place[2], place[1], place[3], actor[3]),
        "off_topic": off_topic,
        "speakers": speakers,
        "false_tags": false_tags,
        "topic": topic,
    }


def _lookups(names, lookup, found: set[str], text: str):
    """Each expected name: (name, found?, known to the gazetteer?, written in the item's text?)."""
    for name in names:
        wanted = set(lookup(name))
        spelled = " " + " ".join(words(name)) + " "
        yield name, bool(wanted & found), bool(wanted), spelled in text


def speed(items: list[dict], seconds: float = 2.0) -> tuple[float, float]:
    """Items per second of this process's CPU time (one core, whatever else the machine runs),
    and per second of wall-clock time, over repeated passes for about `seconds` of CPU."""
    for item in items:  # warm: the gazetteer and the matcher compile once per process
        run(item)
    done = 0
    cpu, wall = time.process_time(), time.perf_counter()
    while time.process_time() - cpu < seconds:
        for item in items:
            run(item)
        done += len(items)
    return done / (time.process_time() - cpu), done / (time.perf_counter() - wall)


def report(path: Path, show_errors: bool) -> None:
    items = load(path)
    result = evaluate(items, show_errors)
    print(f"\n== {path}  ({len(items)} items)")
    print(f"{'pane':<14}{'precision':>10}{'recall':>9}{'F1':>8}{'support':>9}")
    for pane, (p, r, f, support) in result["panes"].items():
        print(f"{pane:<14}{p:>10.3f}{r:>9.3f}{f:>8.3f}{support:>9}")
    actor_total, actor_known, place_total, place_known, place_in_text, actor_in_text = result["counts"]
    print(f"macro-F1        {result['macro_f1']:.3f}")
    print(f"actor recall    {result['actor_recall']:.3f} of {actor_total} named"
          f"   ({result['actor_recall_known']:.3f} of the {actor_known} the gazetteer knows)")  # fmt: skip
    print(f"actor recall    {result['actor_recall_in_text']:.3f} of the {actor_in_text} known and written as such"
          " in the excerpt")
    print(f"place recall    {result['place_recall']:.3f} of {place_total} named"
          f"   ({result['place_recall_known']:.3f} of the {place_known} the gazetteer knows)")  # fmt: skip
    print(f"place recall    {result['place_recall_in_text']:.3f} of the {place_in_text} named in the excerpt itself"
          " (the labels also name places only the full article mentions)")
    topic = result["topic"]
    labelled_off = topic[(False, False)] + topic[(False, True)]
    print(f"off-topic       {result['off_topic']} items judged off-topic; {topic[(False, False)]} of the"
          f" {labelled_off} labelled off-topic, {topic[(True, False)]} on-topic items missed")
    right, asked = result["speakers"]
    if asked:
        print(f"speaker         {right / asked:.3f} right of the {asked} items that say who speaks (or that nobody"
              " does)")
    wrong, checked = result["false_tags"]
    if checked:
        print(f"false tags      {wrong} of {checked} names the text must not be tagged with")
    per_cpu, per_wall = speed(items)
    print(f"speed           {per_cpu:,.0f} items/s on one core (CPU time; {per_wall:,.0f} items/s wall-clock)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append", help="a labelled JSONL file (repeatable)")
    parser.add_argument("--errors", action="store_true", help="print every item the classifier got wrong")
    args = parser.parse_args()
    for path in args.data or DEFAULT_FILES:
        if not path.exists():
            print(f"\n== {path}: not found, skipped")
            continue
        report(path, args.errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
