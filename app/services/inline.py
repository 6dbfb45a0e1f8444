"""Inline codes of links imported from CAT files: their side tables and locks, kept per link in
``DocumentSource.units`` (``{"<link id>": {"id": …, "codes": [...], "locked": true}}``), and carried over when the
alignment changes. See app/model.py, "inline codes", for the placeholders a segment's text carries."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from app.errors import InputError
from app.model import InlineCode, codes_from_json, codes_in
from app.storage.models import DocumentSource


@dataclass
class LinkCodes:
    """The codes of one link by number, and whether the file locked the segment."""

    codes: dict[int, InlineCode] = field(default_factory=dict)
    locked: bool = False


def _source(session: Session, document_id: int) -> DocumentSource | None:
    # the original file's bytes (an XLIFF or a .docx, megabytes) load only when an export reads them
    return session.scalar(select(DocumentSource).options(defer(DocumentSource.data))
                          .where(DocumentSource.document_id == document_id))


def _units(source: DocumentSource | None) -> dict:
    return json.loads(source.units or "{}") if source is not None else {}


def document_codes(session: Session, document_id: int) -> dict[int, LinkCodes]:
    """Link id → its codes and lock, for the links that have either (one query: the review page uses it)."""
    out = {}
    for key, meta in _units(_source(session, document_id)).items():
        codes = meta.get("codes")
        if codes or meta.get("locked"):
            table = codes_from_json(json.dumps(codes)) if codes else ()
            out[int(key)] = LinkCodes({c.n: c for c in table}, bool(meta.get("locked")))
    return out


def link_codes(session: Session, document_id: int, link_id: int | None) -> LinkCodes:
    if link_id is None:
        return LinkCodes()
    return document_codes(session, document_id).get(link_id, LinkCodes())


def allowed_codes(link: LinkCodes, *texts: str) -> set[int]:
    """Code numbers an edit may keep: the link's codes, and any placeholder already in ``texts``."""
    return set(link.codes) | {n for t in texts for _, _, n in codes_in(t)}


def carry_over(session: Session, document_id: int, before: list[tuple[int, tuple[int, ...]]],
               after: list[tuple[int, tuple[int, ...]]], dry_run: bool = False) -> None:
    """Move the code tables of replaced links onto the links that now hold their segments.

    ``before``/``after``: (link id, segment ids) of the links replaced and of those replacing them (ids may be
    None when ``dry_run``). A new link that would hold the segments of two links with different code tables is
    refused: their code numbers collide (InputError, before anything changes when called with ``dry_run``).
    """
    source = _source(session, document_id)
    units = _units(source)
    if not any(units.get(str(old_id), {}).get("codes") or units.get(str(old_id), {}).get("locked")
               for old_id, _ in before):
        return
    owner = {seg: old_id for old_id, segs in before for seg in segs}
    new_meta: list[tuple[int | None, dict]] = []
    first_taker: set[int] = set()
    for new_id, segs in after:
        olds = list(dict.fromkeys(owner[s] for s in segs if s in owner))
        tables = {json.dumps(units.get(str(o), {}).get("codes") or [], sort_keys=True) for o in olds}
        tables.discard("[]")
        if len(tables) > 1:
            raise InputError("these links come from a CAT file and each carries its own inline codes; joining "
                             "them would mix their code numbers, so the change was refused")
        meta: dict = {}
        for o in olds:
            old = units.get(str(o), {})
            if old.get("codes"):
                meta["codes"] = old["codes"]
            if old.get("locked"):
                meta["locked"] = True
            for key in ("id", "author", "reviewer"):  # the unit's id goes with the first link that takes it
                if key in old and o not in first_taker:
                    meta.setdefault(key, old[key])
        first_taker.update(olds)
        new_meta.append((new_id, meta))
    if dry_run:
        return
    for old_id, _ in before:
        units.pop(str(old_id), None)
    for new_id, meta in new_meta:
        if meta:
            units[str(new_id)] = meta
    source.units = json.dumps(units, ensure_ascii=False)
    session.flush()
