"""Every XML reader refuses a DOCTYPE with a DTD, in every encoding, after parsing (issue 11)."""

import pytest

from app.errors import FormatError
from app.formats.registry import by_name
from app.formats.xmlsafe import parse_xml

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]

REFUSED = [
    '<!DOCTYPE tmx [<!ENTITY a "b">]><tmx version="1.4"><body/></tmx>',
    '<!DOCTYPE tmx [<!ATTLIST tmx a CDATA #IMPLIED>]><tmx version="1.4"><body/></tmx>',
    '<!DOCTYPE tmx []><tmx version="1.4"><body/></tmx>',
    '<!DOCTYPE tmx SYSTEM "http://127.0.0.1:9/evil.dtd"><tmx version="1.4"><body/></tmx>',
    '<!DOCTYPE tmx SYSTEM "file:///etc/passwd"><tmx version="1.4"><body/></tmx>',
    '<!DOCTYPE tmx PUBLIC "-//X//DTD Y//EN" "y.dtd"><tmx version="1.4"><body/></tmx>',
    '<!DOCTYPE tmx SYSTEM "tmx14.dtd" [<!ENTITY a "b">]><tmx version="1.4"><body/></tmx>',
]
ACCEPTED = [
    '<tmx version="1.4"><body/></tmx>',
    '<!DOCTYPE tmx><tmx version="1.4"><body/></tmx>',
    '<!DOCTYPE tmx SYSTEM "tmx14.dtd"><tmx version="1.4"><body/></tmx>',  # the standard name; never loaded
    '<!DOCTYPE tmx SYSTEM "tmx11.dtd"><tmx version="1.1"><body/></tmx>',  # as OmegaT writes it
]


def _encode(text: str, codec: str) -> bytes:
    name = {"utf-8-sig": "UTF-8"}.get(codec, codec.upper())
    return (f'<?xml version="1.0" encoding="{name}"?>' + text).encode(codec)


@pytest.mark.parametrize("codec", ENCODINGS)
@pytest.mark.parametrize("xml", REFUSED)
def test_dtd_refused_in_every_encoding(xml, codec):
    with pytest.raises(FormatError, match="not allowed"):
        parse_xml(_encode(xml, codec), "x.tmx")


@pytest.mark.parametrize("codec", ENCODINGS)
@pytest.mark.parametrize("xml", ACCEPTED)
def test_plain_doctype_accepted(xml, codec):
    assert parse_xml(_encode(xml, codec), "x.tmx") is not None


@pytest.mark.parametrize("fmt", ["tmx", "xliff", "xliff2"])
def test_format_readers_refuse_utf32_without_bom(fmt):
    """The case the byte scan missed: UTF-32 without a BOM carrying an entity declaration."""
    xml = '<?xml version="1.0" encoding="UTF-32LE"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>'
    with pytest.raises(FormatError, match="not allowed"):
        by_name(fmt).read(xml.encode("utf-32-le"), "evil.xml")
