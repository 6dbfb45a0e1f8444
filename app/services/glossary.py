"""Glossary use cases: browse, add, edit, deprecate, propose and approve; every change is kept."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.errors import Forbidden, InputError
from app.model import TermEntry
from app.services.auth import can, require
from app.storage import access, queries
from app.storage.models import Glossary, Project, Term, TermChange, User, utcnow
from app.terminology.glossary import CASES
from app.terminology.glossary import KINDS as TERM_KINDS
from app.terminology.glossary import STATUSES as TERM_STATUSES

CASE_RULES, KINDS, STATUSES = CASES, TERM_KINDS, TERM_STATUSES  # the glossary CSV's rules, declared once
FIELDS = ("zh", "en", "variants", "forbidden", "case_rule", "kind", "status", "domains", "authority", "note")
LIST_FIELDS = ("zh", "variants", "forbidden", "domains")


def _join(values) -> str:
    return "|".join(v for v in values if v)


def _split(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in (value or "").split("|") if p.strip())


def term_dict(term: Term) -> dict:
    return {k: getattr(term, k) for k in FIELDS}


def to_entry(term: Term) -> TermEntry:
    return TermEntry(zh=_split(term.zh), en=term.en, variants=_split(term.variants),
                     forbidden=_split(term.forbidden), case=term.case_rule, note=term.note,
                     authority=term.authority, status=term.status, domains=_split(term.domains), kind=term.kind)


def term_entries(glossary: Glossary | None, include_proposed: bool = False) -> list[TermEntry]:
    """The engine's view of a stored glossary: approved entries (and proposed ones when asked)."""
    if glossary is None:
        return []
    wanted = {"approved", "proposed"} if include_proposed else {"approved"}
    return [to_entry(t) for t in glossary.terms if t.status in wanted]


def _record(session: Session, term: Term, before: dict | None, user: User | None, reason: str) -> None:
    session.add(TermChange(term_id=term.id, author_id=user.id if user else None,
                           before=json.dumps(before, ensure_ascii=False) if before else "",
                           after=json.dumps(term_dict(term), ensure_ascii=False), reason=reason[:2000]))


def add_glossary(session: Session, project: Project, name: str, entries, source: str = "",
                 user: User | None = None) -> Glossary:
    """Store a glossary for a project from TermEntry objects; each entry's creation is a TermChange."""
    glossary = Glossary(name=name[:200], project_id=project.id, source=source[:300])
    session.add(glossary)
    session.flush()
    for e in entries:
        _insert(session, glossary, e, user, f"imported from {source}" if source else "created")
    session.flush()
    return glossary


def _insert(session: Session, glossary: Glossary, e: TermEntry, user: User | None, reason: str) -> Term:
    term = Term(glossary_id=glossary.id, zh=_join(e.zh), en=e.en, variants=_join(e.variants),
                forbidden=_join(e.forbidden), case_rule=e.case, kind=e.kind, status=e.status,
                domains=_join(e.domains), authority=e.authority, note=e.note,
                created_by_id=user.id if user else None)
    session.add(term)
    session.flush()
    _record(session, term, None, user, reason)
    return term


def project_glossary(session: Session, project: Project, create: bool = False) -> Glossary | None:
    glossary = queries.project_glossary(session, project.id)
    if glossary is None and create:
        glossary = Glossary(name=f"{project.name} glossary"[:200], project_id=project.id)
        session.add(glossary)
        session.flush()
    return glossary


@dataclass
class TermInput:
    """What a form or a CSV row gives for one entry; validated by ``clean``."""

    zh: str
    en: str
    variants: str = ""
    forbidden: str = ""
    case_rule: str = "insensitive"
    kind: str = "term"
    status: str = "approved"
    domains: str = ""
    authority: str = ""
    note: str = ""

    def clean(self) -> dict:
        values = {k: (getattr(self, k) or "").strip() for k in FIELDS}
        for k in LIST_FIELDS:
            values[k] = _join(_split(values[k]))
        if not values["zh"]:
            raise InputError("a glossary entry needs at least one Chinese form")
        if not values["en"]:
            raise InputError("a glossary entry needs an approved English rendering")
        for k, allowed in (("case_rule", CASE_RULES), ("kind", KINDS), ("status", STATUSES)):
            if values[k] not in allowed:
                raise InputError(f"{k.replace('_', ' ')} must be one of {', '.join(allowed)}")
        for k in FIELDS:
            if len(values[k]) > 5000:
                raise InputError(f"{k} is too long (5000 characters at most)")
        return values


def _status_for(user: User, wanted: str, project_id: int) -> str:
    """Translators may only propose; reviewers and admins decide."""
    if can(user, "approve", project_id):
        return wanted
    return "proposed"


def add_term(session: Session, project: Project, data: TermInput, user: User, reason: str = "") -> Term:
    require(user, "propose-term", project.id)
    values = data.clean()
    values["status"] = _status_for(user, values["status"], project.id)
    glossary = project_glossary(session, project, create=True)
    term = Term(glossary_id=glossary.id, created_by_id=user.id, **values)
    session.add(term)
    session.flush()
    _record(session, term, None, user, reason or ("proposed" if values["status"] == "proposed" else "added"))
    return term


def can_edit(user: User | None, term: Term, project_id: int | None) -> bool:
    """Reviewers and admins edit any entry; translators only entries that are still proposed."""
    return can(user, "approve", project_id) or (can(user, "propose-term", project_id) and term.status == "proposed")


def edit_term(session: Session, term_id: int, data: TermInput, user: User, reason: str = "") -> Term:
    """Change an entry; translators may only edit entries that are still proposed."""
    term = queries.get_or_404(session, Term, term_id, "glossary entry")
    project_id = access.project_of(session, "term", term.id)
    if not can_edit(user, term, project_id):
        raise Forbidden("translators can change proposed entries only; propose a new entry instead")
    values = data.clean()
    values["status"] = _status_for(user, values["status"], project_id)
    before = term_dict(term)
    if values == before:
        return term
    for k, v in values.items():
        setattr(term, k, v)
    term.updated_at = utcnow()
    session.flush()
    _record(session, term, before, user, reason or "edited")
    return term


def set_status(session: Session, term_id: int, status: str, user: User, reason: str = "") -> Term:
    """Approve or deprecate (reviewers and admins)."""
    if status not in STATUSES:
        raise InputError(f"status must be one of {', '.join(STATUSES)}")
    term = queries.get_or_404(session, Term, term_id, "glossary entry")
    require(user, "approve", access.project_of(session, "term", term.id))
    if term.status == status:
        return term
    before = term_dict(term)
    term.status = status
    session.flush()
    _record(session, term, before, user, reason or status)
    return term


def search_terms(session: Session, glossary: Glossary | None, q: str = "", status: str = "") -> list[Term]:
    if glossary is None:
        return []
    stmt = select(Term).where(Term.glossary_id == glossary.id)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(Term.zh.ilike(like), Term.en.ilike(like), Term.variants.ilike(like),
                              Term.forbidden.ilike(like), Term.note.ilike(like), Term.domains.ilike(like)))
    if status:
        stmt = stmt.where(Term.status == status)
    return list(session.scalars(stmt.order_by(Term.status, Term.zh)))


def term_history(session: Session, term_id: int) -> tuple[Term, list[TermChange]]:
    term = queries.get_or_404(session, Term, term_id, "glossary entry")
    changes = session.scalars(select(TermChange).where(TermChange.term_id == term.id)
                              .order_by(TermChange.created_at.desc(), TermChange.id.desc()))
    return term, list(changes)


def import_entries(session: Session, project: Project, entries: list[TermEntry], user: User, source: str) -> int:
    """Add CSV/TBX entries to the project's glossary; entries already present (same zh and en) are skipped."""
    require(user, "approve", project.id)
    glossary = project_glossary(session, project, create=True)
    have = {(t.zh, t.en) for t in glossary.terms}
    added = 0
    for e in entries:
        if (_join(e.zh), e.en) in have:
            continue
        _insert(session, glossary, e, user, f"imported from {source}")
        have.add((_join(e.zh), e.en))
        added += 1
    session.flush()
    return added
