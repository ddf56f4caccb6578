r"""What the application takes for a CPR number in typed text, in one place: citizen search, CPR validation
(`contracts.cpr`) and the log mask (`psykiatrihus.logredact`) all use these definitions.

A CPR number is ten digits, written whole (`1606653023`), as date and serial (`160665-3023`) or with the date
in groups (`16-06-65-3023`, `16 06 65 3023`). Between the groups stand up to three separators: the hyphen,
the Unicode dashes U+2010..U+2015 (including the non-breaking hyphen U+2011), the minus sign U+2212, spaces
(ordinary, no-break U+00A0, narrow no-break U+202F, figure space U+2007, tab). Whether the digits are a valid
CPR number (date, and so on) is decided by `contracts.cpr.cpr_clean`; this module only finds the shape.

The log mask looks for the same shape, with each separator also as it travels in URLs and log lines:
percent-encoded UTF-8 (`%E2%80%91`), `+` for a space, the Latin-1 reading of its UTF-8 bytes (WSGI's
PATH_INFO, as gunicorn's access log shows it), JSON's `\u2011` escape and Python's escapes of both (`\xa0`,
`\t`, `\xe2\x80\x91`: Django's request logger escapes the path it logs, gunicorn logs the repr of a bad
request line). Imports nothing from Django: logging loads it before the apps.
"""

from __future__ import annotations

import re

SEPARATORS = ("-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212",
              " ", "\u00a0", "\u202f", "\u2007", "\t")


def _shape(separator: str) -> re.Pattern[str]:
    """dd mm yy xxxx, up to three separators between the groups, not inside a longer number."""
    gap = f"(?:{separator}){{0,3}}"
    return re.compile(rf"(?<![0-9])([0-9]{{2}}){gap}([0-9]{{2}}){gap}([0-9]{{2}}){gap}([0-9]{{4}})(?![0-9])")


def _encodings(char: str) -> list[str]:
    """`char` itself and the ways it appears in URLs and log lines."""
    utf8 = char.encode("utf-8")
    forms = {"".join(f"%{b:02X}" for b in utf8), f"\\u{ord(char):04x}"}
    for text in (char, utf8.decode("latin-1")):  # as typed; as WSGI's PATH_INFO holds it
        forms |= {text, repr(text)[1:-1], text.encode("unicode_escape").decode("ascii")}
    if char == " ":
        forms.add("+")
    return sorted(forms, key=len, reverse=True)


# What a user may type: the characters themselves.
TYPED = _shape("|".join(re.escape(c) for c in SEPARATORS))
# What the log mask finds: every encoding of every separator (hex digits in either case).
LOGGED = re.compile(
    _shape("|".join(re.escape(form) for c in SEPARATORS for form in _encodings(c))).pattern, re.IGNORECASE,
)


def cpr_digits(text: str | None) -> str | None:
    """The ten digits if the whole text (spaces around it ignored) is shaped like a CPR number, else None."""
    match = TYPED.fullmatch((text or "").strip(" \t\u00a0\u202f\u2007"))
    return "".join(match.groups()) if match else None


def cpr_redact(text: str) -> str:
    """Every CPR-shaped number in `text` as its date part and `-xxxx` (`160665-xxxx`)."""
    return LOGGED.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}-xxxx", text)
