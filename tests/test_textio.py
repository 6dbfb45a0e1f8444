"""Decoding uploads: every accepted encoding, and every refusal names the file and the reason."""

import codecs

import pytest

from app.errors import InputError
from app.textio import decode_bytes

ZH = "最高检党组召开扩大会议\n\n会议强调，要深入学习贯彻全国两会精神，坚持和发展新时代“枫桥经验”。\n"
ZH_TRAD = "最高檢黨組召開擴大會議\n\n會議強調，要深入學習貫徹全國兩會精神，堅持和發展新時代「楓橋經驗」。\n"


@pytest.mark.parametrize(
    "data, expected",
    [
        (ZH.encode("utf-8"), ZH),
        (codecs.BOM_UTF8 + ZH.encode("utf-8"), ZH),
        (ZH.encode("utf-16"), ZH),  # with BOM, native order
        (codecs.BOM_UTF16_LE + ZH.encode("utf-16-le"), ZH),
        (codecs.BOM_UTF16_BE + ZH.encode("utf-16-be"), ZH),
        (ZH.encode("gb18030"), ZH),
        (ZH.encode("gbk"), ZH),
        (ZH_TRAD.encode("big5"), ZH_TRAD),
        ("最高检".encode("gb18030"), "最高检"),  # very short: UTF-8 fails, GB18030 next
        ("【字體：大 中 小】".encode("big5"), "【字體：大 中 小】"),
        (b"The meeting stressed\n", "The meeting stressed\n"),
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16le-bom", "utf16be-bom", "gb18030", "gbk", "big5", "short-gb",
         "short-big5", "ascii"],
)
def test_decodes(data, expected):
    assert decode_bytes(data, "a.txt") == expected


def test_decodes_the_demo_in_gb18030_and_big5():
    from pathlib import Path

    text = (Path(__file__).parent.parent / "corpus/demo/zh.txt").read_text(encoding="utf-8")
    assert decode_bytes(text.encode("gb18030"), "zh.txt") == text
    import opencc

    trad = opencc.OpenCC("s2t").convert(text)
    data = trad.encode("big5", errors="ignore")
    assert decode_bytes(data, "zh.txt") == data.decode("big5")


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"  \n\r\n\t ", "empty"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)) * 4, "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(1, 256)) * 8, "binary"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "byte-order mark"),
        (codecs.BOM_UTF16_LE + "   ".encode("utf-16-le"), "no text"),
    ],
    ids=["empty", "whitespace", "elf", "png", "bad-utf16", "utf16-blank"],
)
def test_refuses(data, reason):
    with pytest.raises(InputError) as info:
        decode_bytes(data, "upload.txt")
    assert "upload.txt" in info.value.message
    assert reason in info.value.message


def test_refuses_oversized():
    with pytest.raises(InputError, match=r"big\.txt: the file is too large"):
        decode_bytes(b"a" * 101, "big.txt", max_bytes=100)
