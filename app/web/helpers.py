"""Small helpers shared by the blueprints."""

from __future__ import annotations

import json
from functools import wraps
from urllib.parse import quote

from flask import abort, current_app, g, request
from flask_login import current_user
from markupsafe import Markup, escape

from app import services
from app.errors import TooLarge
from app.formats.registry import FORMATS
from app.model import ERROR_CATEGORIES, FIX_SEVERITIES, Severity, code_char, code_of, has_codes, text_parts
from app.services import glossary, statuses
from app.services.exports import EXPORT_FORMATS, EXPORT_LABELS
from app.storage import queries
from app.storage.models import Document
from app.web.db import get_session


def requires(action: str):
    """Decorator: 403 unless the user's role in the request's project (``g.project_id``, set from the URL's
    ids by app/web/access.py) allows ``action``; on a route without a project, in any of their projects."""

    def deco(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not can(action):
                abort(403, f"Your role in this project does not allow this ({action}).")
            return view(*args, **kwargs)

        return wrapper

    return deco


def can(action: str) -> bool:
    """May the current user do ``action`` here (in the request's project, or somewhere)?"""
    user = current_user if current_user.is_authenticated else None
    project_id = g.get("project_id")
    if project_id is None:
        return services.can_somewhere(user, action)
    return services.can(user, action, project_id)


def read_upload(storage, what: str = "file") -> services.Upload:
    """An uploaded file as an Upload, read up to the size limit only: a larger one is refused (413)."""
    if storage is None or not storage.filename:
        return services.Upload("", b"")
    limit = int(current_app.config["MAX_UPLOAD_BYTES"])
    data = storage.stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"{storage.filename}: the {what} is larger than {limit / 1048576:.0f} MB; nothing was stored")
    return services.Upload(storage.filename, data)


def document_or_404(doc_id: int):
    """The request's session and the document ``doc_id`` (NotFound when there is none)."""
    session = get_session()
    return session, queries.get_or_404(session, Document, doc_id, "document")


def attachment(filename: str, ascii_filename: str = "") -> dict[str, str]:
    """The Content-Disposition header of a download: the UTF-8 name (filename*, RFC 6266) and an ASCII one
    for old clients (``ascii_filename``, or the name with other characters as "_")."""
    fallback = ascii_filename or filename
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in fallback)
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"}


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def template_globals() -> dict:
    user = current_user if current_user.is_authenticated else None
    return {
        "can": can,
        "ERROR_CATEGORIES": ERROR_CATEGORIES,
        "FIX_SEVERITIES": FIX_SEVERITIES,
        "highlight": highlight,
        "has_codes": has_codes,
        "tokens": lambda text: _escape(text or ""),  # a text with its inline codes as tokens
        "worst_severity": worst_severity,
        "status_choices": lambda link: statuses.choices(link, user, g.get("project_id")),
        "can_edit_term": lambda term: glossary.can_edit(user, term, g.get("project_id")),
        "status_icons": statuses.ICONS,
        "export_menu": {name: EXPORT_LABELS.get(name, name) for name in EXPORT_FORMATS if name != "txt"},
        "accept": accept,
        "weak_threshold": float(current_app.config["WEAK_LINK"]),
    }


def accept(kind: str) -> str:
    """The file input's accept list for a kind of format (document, bitext, glossary), from the registry."""
    return ",".join(dict.fromkeys(ext for cls in FORMATS.values() if cls.kind == kind for ext in cls.extensions))


def code_token(ch: str, codes=None, side: str = "en") -> Markup:
    """One inline code's placeholder as a small numbered token that cannot be edited (``<3>``, ``</3>``,
    ``<3/>``), its element and attributes as the tooltip; ``codes``: the link's LinkCodes (or None)."""
    role, n = code_of(ch)
    code = codes.codes.get(n) if codes is not None else None
    label = code.label(role) if code is not None else {"open": f"<{n}>", "close": f"</{n}>"}.get(role, f"<{n}/>")
    title = code.describe(side) if code is not None else "inline code"
    return Markup('<span class="code code-{}" contenteditable="false" data-code="{}" title="{}">{}</span>').format(
        role, ch, title, label)


def _escape(text: str, codes=None, side: str = "en") -> Markup:
    """``text`` escaped, with its inline codes as tokens."""
    if not has_codes(text):
        return Markup.escape(text)
    return Markup("").join(Markup.escape(part[1]) if part[0] == "text" else
                           code_token(code_char(part[1], part[2]), codes, side) for part in text_parts(text))


class MarkTitles:
    """The tooltips of one page's highlights, each line kept once: a mark carries ``data-t="4 17"`` (the numbers of
    its title's lines) and the page sends the lines as JSON once (duizhao.js puts the titles back), instead of
    repeating a long title on every mark."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def numbers(self, lines) -> str:
        """The numbers of a title's ``lines`` in the table (new lines are added), space-separated."""
        return " ".join(str(self.index.setdefault(line, len(self.index))) for line in lines)

    def as_json(self) -> Markup:
        """The lines as a JSON list (line n at index n), safe inside a <script> element."""
        return Markup(json.dumps(list(self.index), ensure_ascii=False).replace("<", "\\u003c")
                      .replace(">", "\\u003e").replace("&", "\\u0026"))


def highlight(text: str, marks, codes=None, side: str = "en", titles: MarkTitles | None = None) -> Markup:
    """Escape ``text`` and wrap marked spans in <mark>; overlapping marks nest their classes and titles. Inline
    codes show as tokens (``codes``: the link's LinkCodes, for their labels and tooltips). With ``titles``, a
    mark names its title by number in that table instead of carrying it."""
    if not marks:
        return _escape(text, codes, side)
    coded = has_codes(text)
    cuts = {0, len(text)}
    for start, end, _cls, _title in marks:
        if 0 <= start < end <= len(text):
            cuts.update((start, end))
    bounds = sorted(cuts)
    out = []  # escaped HTML (a page has thousands of marks: plain strings, one Markup at the end)
    for a, b in zip(bounds, bounds[1:], strict=False):
        covering = [(c, t) for s, e, c, t in marks if s <= a and b <= e and s < e]
        piece = _escape(text[a:b], codes, side) if coded else escape(text[a:b])
        if not covering:
            out.append(piece)
            continue
        classes = escape(" ".join(dict.fromkeys(c for c, _ in covering)))
        lines = list(dict.fromkeys(t for _, t in covering))
        if titles is not None:
            out.append(f'<mark class="{classes}" data-t="{escape(titles.numbers(lines))}">{piece}</mark>')
        else:
            out.append(f'<mark class="{classes}" title="{escape(chr(10).join(lines))}">{piece}</mark>')
    return Markup("".join(out))


def worst_severity(found) -> str:
    """The most severe severity among findings, as a string."""
    return str(Severity.worst(f.severity for f in found))
