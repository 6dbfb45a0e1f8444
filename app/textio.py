"""Decoding uploaded text files: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK, Big5.

Every refusal names the file and the reason, so the caller can show it as is.
"""

from __future__ import annotations

import codecs

from app.errors import InputError

MAX_BYTES = 20 * 1024 * 1024
SHORT = 64  # below this many bytes detection is unreliable: try UTF-8, then GB18030

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _control_ratio(text: str) -> float:
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or 0xFFF0 <= ord(ch) <= 0xFFFF
              or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad / max(len(text), 1)


def _check_text(text: str, filename: str, encoding: str) -> str:
    if _control_ratio(text) > 0.01:
        raise InputError(f"{filename}: looks like a binary file, not text (decoded as {encoding})")
    if not text.strip():
        raise InputError(f"{filename}: the file has no text")
    return text


def decode_bytes(data: bytes, filename: str = "file", max_bytes: int = MAX_BYTES) -> str:
    """Decode a plain-text upload or raise InputError naming the file and the reason."""
    if len(data) > max_bytes:
        raise InputError(
            f"{filename}: the file is too large ({len(data) / 1048576:.1f} MB; the limit is "
            f"{max_bytes / 1048576:.0f} MB)"
        )
    if not data.strip():
        raise InputError(f"{filename}: the file is empty")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data.decode(enc), filename, enc)
            except UnicodeDecodeError as exc:
                raise InputError(f"{filename}: starts with a {enc} byte-order mark but is not valid {enc} "
                                 f"(byte {exc.start})") from None
    if b"\x00" in data:
        raise InputError(f"{filename}: looks like a binary file, not text (it contains NUL bytes)")
    controls = sum(1 for b in data[:65536] if b < 32 and b not in b"\t\n\r\f\v\x1b")
    if controls > 0.01 * min(len(data), 65536):
        raise InputError(f"{filename}: looks like a binary file, not text (it contains control bytes)")
    try:
        return _check_text(data.decode("utf-8"), filename, "utf-8")
    except UnicodeDecodeError:
        pass
    if len(data) < SHORT:
        for enc in ("gb18030", "big5"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _control_ratio(text) == 0:
                return _check_text(text, filename, enc)
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "big5", "cp1252", "utf_16"]).best()
    if best is None:
        raise InputError(
            f"{filename}: cannot decode the text; save it as UTF-8 (also accepted: UTF-16 with BOM, "
            "GB18030/GBK, Big5)"
        )
    return _check_text(str(best), filename, best.encoding)
