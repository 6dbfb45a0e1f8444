"""Machine translation (zh→en) through argostranslate, the optional extra ``mt``.

Engine-level: no web, database or CLI framework. :func:`availability` is cheap (it never imports
argostranslate, which pulls in torch): it looks for the module and for an installed zh→en Argos
package on disk. :func:`translate` loads the package once and translates segment texts, through an
in-process LRU cache and an optional :class:`TranslationStore` (the ``mt_cache`` table). Nothing is
ever downloaded: a package without its own sentence splitter is reported as unusable.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from app.errors import AppError

INSTALL_HINT = ("Machine translation needs the optional extra and a zh→en model: pip install 'duizhao[mt]', "
                "then argospm install translate-zh_en on a machine with internet.")
FROM_CODE, TO_CODE = "zh", "en"
LRU_SIZE = 4096
RECHECK_SECONDS = 30.0


class MTUnavailable(AppError):
    """Machine translation was asked for but the extra or the zh→en package is missing."""

    status = 503


@dataclass(frozen=True)
class Availability:
    """Whether MT can run here; ``reason`` is a one-line explanation when it cannot."""

    ok: bool
    reason: str = ""
    model_id: str = ""
    package_path: str = ""

    def __bool__(self) -> bool:
        return self.ok


class TranslationStore(Protocol):
    """A persistent cache of translations keyed by model id and source text (see app.storage.mt_cache)."""

    def get_many(self, model_id: str, texts: Sequence[str]) -> dict[str, str]: ...

    def put_many(self, model_id: str, pairs: Iterable[tuple[str, str]]) -> None: ...


def text_hash(text: str) -> str:
    """The cache key of a source text: SHA-256 hex of its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def packages_dirs() -> list[Path]:
    """Where argostranslate looks for installed packages (same rules as argostranslate.settings)."""
    home = Path.home()
    data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "argos-translate"
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "argos-translate"
    configured = os.environ.get("ARGOS_PACKAGES_DIR")
    if configured is None:
        try:
            configured = json.loads((config / "settings.json").read_text(encoding="utf-8")).get("ARGOS_PACKAGES_DIR")
        except (OSError, ValueError, AttributeError):
            configured = None
    dirs = [Path(configured) if configured else data / "packages"]
    legacy = os.environ.get("ARGOS_TRANSLATE_PACKAGE_DIR")
    if legacy:
        dirs.append(Path(legacy))
    return dirs


def _find_package() -> tuple[Path, dict] | None:
    for directory in packages_dirs():
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            try:
                meta = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if meta.get("type", "translate") == "translate" and meta.get("from_code") == FROM_CODE \
                    and meta.get("to_code") == TO_CODE:
                return path, meta
    return None


def _check() -> Availability:
    for module in ("argostranslate", "ctranslate2", "sentencepiece"):
        if importlib.util.find_spec(module) is None:
            return Availability(False, INSTALL_HINT)
    found = _find_package()
    if found is None:
        return Availability(False, "No zh→en Argos model is installed: run argospm install translate-zh_en on a "
                                   f"machine with internet and copy its package directory into {packages_dirs()[0]}.")
    path, meta = found
    if not any((path / d).is_dir() for d in ("minisbd", "stanza", "spacy")):
        return Availability(False, f"The Argos package in {path} has no sentence splitter of its own and "
                                   "argostranslate would download one; install a current translate-zh_en package.")
    model_id = f"{meta.get('code') or path.name}@{meta.get('package_version', '')}"
    return Availability(True, "", model_id, str(path))


_lock = threading.RLock()
_state: dict = {"checked": None, "at": 0.0, "translation": None, "for": None}
_lru: OrderedDict[tuple[str, str], str] = OrderedDict()
stats = {"model_calls": 0, "lru_hits": 0, "store_hits": 0}


def availability(refresh: bool = False) -> Availability:
    """Whether MT can run (re-checked at most every RECHECK_SECONDS, or now with ``refresh``)."""
    with _lock:
        now = time.monotonic()
        if refresh or _state["checked"] is None or now - _state["at"] > RECHECK_SECONDS:
            _state["checked"], _state["at"] = _check(), now
        return _state["checked"]


def reset() -> None:
    """Forget the availability, the loaded model and the in-process cache (tests, new installs)."""
    with _lock:
        _state.update(checked=None, at=0.0, translation=None)
        _state["for"] = None
        _lru.clear()
        for key in stats:
            stats[key] = 0


def _translation(avail: Availability):
    if _state["translation"] is None or _state["for"] != avail.package_path:
        from argostranslate import translate as argos

        argos.get_installed_languages.cache_clear()
        _state["translation"] = argos.get_translation_from_codes(FROM_CODE, TO_CODE)
        _state["for"] = avail.package_path
    return _state["translation"]


def uncached(texts: Sequence[str], store: TranslationStore | None = None) -> list[str]:
    """The distinct texts that neither the LRU nor ``store`` knows (what :func:`translate` would send to the model)."""
    avail = availability()
    if not avail:
        raise MTUnavailable(avail.reason)
    with _lock:
        missing = [t for t in dict.fromkeys(texts) if t.strip() and (avail.model_id, t) not in _lru]
    if missing and store is not None:
        found = store.get_many(avail.model_id, missing)
        missing = [t for t in missing if t not in found]
    return missing


def translate(texts: Sequence[str], store: TranslationStore | None = None) -> list[str]:
    """Machine translations of ``texts``, one per text, through the LRU, then ``store``, then the model.

    Raises :class:`MTUnavailable` (with the one-line hint) when MT cannot run here.
    """
    if isinstance(texts, str):
        raise TypeError("translate: `texts` should be a list of strings, not a string")
    avail = availability()
    if not avail:
        raise MTUnavailable(avail.reason)
    model = avail.model_id
    out: dict[str, str] = {}
    with _lock:
        for text in texts:
            key = (model, text)
            if key in _lru:
                _lru.move_to_end(key)
                out[text] = _lru[key]
                stats["lru_hits"] += 1
    missing = [t for t in dict.fromkeys(texts) if t not in out]
    if missing and store is not None:
        found = store.get_many(model, missing)
        stats["store_hits"] += len(found)
        out.update(found)
        missing = [t for t in missing if t not in found]
    fresh: list[tuple[str, str]] = []
    if missing:
        with _lock:
            translation = _translation(avail) if any(t.strip() for t in missing) else None
            for text in missing:
                result = ""
                if text.strip():
                    result = translation.translate(text)
                    stats["model_calls"] += 1
                out[text] = result
                fresh.append((text, result))
        if store is not None:
            store.put_many(model, fresh)
    with _lock:
        for text in texts:
            _lru[(model, text)] = out[text]
            _lru.move_to_end((model, text))
        while len(_lru) > LRU_SIZE:
            _lru.popitem(last=False)
    return [out[t] for t in texts]
