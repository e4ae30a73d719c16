"""Characters XML 1.0 forbids, which feeds must not carry and no page needs."""
from __future__ import annotations

import re

# C0 controls but tab and newlines, U+FFFE, U+FFFF, and lone surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """text without the characters XML 1.0 forbids: one pasted escape code would otherwise make a whole
    feed unreadable (pelican#2049)."""
    return _NOT_XML.sub("", text)
