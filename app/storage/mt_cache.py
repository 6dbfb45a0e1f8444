"""The persistent MT cache (table mt_cache): a TranslationStore over a Session the caller owns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.mt import text_hash
from app.storage.models import MTCache


class SessionTranslationStore:
    """Reads and adds mt_cache rows through ``session``; the caller commits."""

    def __init__(self, session: Session):
        self.session = session

    def get_many(self, model_id: str, texts: Sequence[str]) -> dict[str, str]:
        by_hash = {text_hash(t): t for t in texts}
        out: dict[str, str] = {}
        keys = list(by_hash)
        for start in range(0, len(keys), 500):
            rows = self.session.execute(
                select(MTCache.text_hash, MTCache.text, MTCache.translation)
                .where(MTCache.model_id == model_id, MTCache.text_hash.in_(keys[start:start + 500]))
            )
            for h, text, translation in rows:
                if by_hash.get(h) == text:
                    out[text] = translation
        return out

    def put_many(self, model_id: str, pairs: Iterable[tuple[str, str]]) -> None:
        pairs = list(dict(pairs).items())
        if not pairs:
            return
        known = self.get_many(model_id, [t for t, _ in pairs])
        rows = [MTCache(text_hash=text_hash(t), text=t, translation=tr, model_id=model_id)
                for t, tr in pairs if t not in known]
        if not rows:
            return
        try:
            with self.session.begin_nested():  # a concurrent writer may have cached the same text
                self.session.add_all(rows)
        except IntegrityError:
            pass
