"""Text from the user's files made safe to print.

Sample names, INFO values and file names come from files anyone may have written. A terminal
obeys the control characters in them (an OSC or CSI sequence can retitle the window, hide
lines or rewrite what is shown), and a tab or newline breaks a TSV row. Messages and tables
show such characters escaped, as Python writes them; the JSON escapes them itself.

>>> printable("EIMFS\\x1b]0;owned\\x07")
'EIMFS\\\\x1b]0;owned\\\\x07'
>>> printable("tab\\there", keep_tabs=True)
'tab\\there'
"""

from __future__ import annotations

import re

# C0 controls, DEL and the C1 controls (an ESC can also arrive as the single byte 0x9b).
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_CONTROL_AND_TAB = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_control(text: str) -> bool:
    """Whether ``text`` holds a control character (a tab included)."""
    return _CONTROL_AND_TAB.search(text) is not None


def printable(text: str, *, keep_tabs: bool = False) -> str:
    """``text`` with control characters written as escapes (``\\x1b``)."""
    pattern = _CONTROL if keep_tabs else _CONTROL_AND_TAB
    if not pattern.search(text):
        return text
    return pattern.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)
