"""OPML in and out: journalists arrive with their subscriptions from other readers.

Import appends [[feed]] tables to feeds.toml as text (so the file's comments survive) and
validates the result before replacing the file; export writes OPML 2.0 from the config.
"""

from __future__ import annotations

import os
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from .config import load_config
from .errors import ConfigError, OPMLError
from .fetch.parse import strip_dtd
from .models import KINDS, SIDES, Config
from .text import canonical_url, one_line, safe_url, strip_controls


@dataclass(frozen=True, slots=True)
class OPMLFeed:
    name: str
    url: str
    tags: tuple[str, ...] = ()
    side: str | None = None
    kind: str | None = None


def read_opml(path: str | Path) -> list[OPMLFeed]:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise OPMLError(f"{path}: cannot read it ({exc.strerror}) — check the path") from None
    try:
        root = ET.fromstring(strip_dtd(raw))
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        raise OPMLError(f"{path}:{line}: not valid OPML/XML ({exc.msg if hasattr(exc, 'msg') else exc}) — "
                        "export the file again from your reader") from None
    if root.tag.lower() != "opml":
        raise OPMLError(f"{path}: the root element is <{root.tag}>, not <opml> — is this an OPML file?")
    feeds: list[OPMLFeed] = []

    def walk(node: ET.Element, categories: tuple[str, ...]) -> None:
        for outline in node.findall("outline"):
            attrs = {k.lower(): v for k, v in outline.attrib.items()}
            label = one_line(strip_controls(attrs.get("title") or attrs.get("text") or ""))
            url = safe_url(attrs.get("xmlurl"))
            if url:
                tags = [c for c in categories if c]
                extra = one_line(strip_controls(attrs.get("category", "")))
                tags += [t.strip().strip("/") for t in extra.split(",") if t.strip().strip("/")]
                side = next((t for t in tags if t.lower() in SIDES), None)
                kind = next((t for t in tags if t.lower() in KINDS), None)
                feeds.append(
                    OPMLFeed(
                        name=label or url,
                        url=url,
                        tags=tuple(t for t in tags if t not in (side, kind)),
                        side=side.lower() if side else None,
                        kind=kind.lower() if kind else None,
                    )
                )
            walk(outline, (*categories, label) if not url and label else categories)

    body = root.find("body")
    walk(body if body is not None else root, ())
    return feeds


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def import_opml(opml_path: str | Path, config_path: str | Path) -> tuple[list[OPMLFeed], list[OPMLFeed]]:
    """Append the OPML's feeds that feeds.toml lacks. Returns (added, skipped as duplicates)."""
    config_path = Path(config_path)
    incoming = read_opml(opml_path)
    existing: Config | None = load_config(config_path) if config_path.exists() else None
    known_urls = {canonical_url(f.url) for f in existing.feeds} if existing else set()
    known_names = {f.name.casefold() for f in existing.feeds} if existing else set()
    added: list[OPMLFeed] = []
    skipped: list[OPMLFeed] = []
    blocks: list[str] = []
    for feed in incoming:
        key = canonical_url(feed.url)
        if key in known_urls:
            skipped.append(feed)
            continue
        name = feed.name
        suffix = 2
        while name.casefold() in known_names:
            name = f"{feed.name} ({suffix})"
            suffix += 1
        known_urls.add(key)
        known_names.add(name.casefold())
        lines = ["", "[[feed]]", f"name = {_toml_string(name)}", f"url = {_toml_string(feed.url)}"]
        for key, value, allowed in (("side", feed.side, SIDES), ("kind", feed.kind, KINDS)):
            hint = f'# {key} = "..."  # one of: {", ".join(allowed)}'
            lines.append(f"{key} = {_toml_string(value)}" if value else hint)
        if feed.tags:
            lines.append("tags = [" + ", ".join(_toml_string(t) for t in feed.tags) + "]")
        blocks.append("\n".join(lines) + "\n")
        added.append(OPMLFeed(name, feed.url, feed.tags, feed.side, feed.kind))
    if not added:
        return added, skipped
    original = config_path.read_text(encoding="utf-8") if config_path.exists() else ""
    header = f"\n# Imported from {Path(opml_path).name}\n" if original else ""
    updated = original.rstrip("\n") + ("\n" if original else "") + header + "".join(blocks)
    fd, tmp = tempfile.mkstemp(dir=config_path.parent or ".", prefix=".feeds-", suffix=".toml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(updated)
        try:
            load_config(tmp)
        except ConfigError as exc:
            raise OPMLError(f"{opml_path}: importing would break {config_path}: {exc.problems[0]}") from None
        os.replace(tmp, config_path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return added, skipped


def export_opml(config: Config) -> str:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "briefing feeds"
    body = ET.SubElement(root, "body")
    groups: dict[str, ET.Element] = {}
    for feed in config.feeds:
        side = feed.side or "unsorted"
        if side not in groups:
            groups[side] = ET.SubElement(body, "outline", text=side, title=side)
        attrs = {"type": "rss", "text": feed.name, "title": feed.name, "xmlUrl": feed.url}
        category = ",".join(c for c in (feed.side, feed.kind, *feed.tags) if c)
        if category:
            attrs["category"] = category
        if feed.language:
            attrs["language"] = feed.language
        ET.SubElement(groups[side], "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
