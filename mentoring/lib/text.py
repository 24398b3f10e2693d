"""Text a person or a file gives us must not carry invisible controls.

A newline or an ESC in a name breaks a CSV export and a log line; a bidi override (U+202E) makes
"txt.exe" read as "exe.txt" and a name read as someone else's. Tabs stay allowed: spreadsheets
paste them. Joiners (U+200C, U+200D) stay too: several scripts and emoji need them.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Category Cc (C0 and C1 controls, DEL) but tab, the bidi embeddings, overrides, isolates and
# marks, and the Unicode line and paragraph separators.
_CONTROL = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
_NAMES = {
    "\x00": "NUL",
    "\n": "a line break",
    "\r": "a carriage return",
    "\x1b": "ESC",
    "\x7f": "DEL",
}


def describe_character(character: str) -> str:
    """How a message names an invisible character: "U+202E RIGHT-TO-LEFT OVERRIDE"."""
    code = f"U+{ord(character):04X}"
    name = _NAMES.get(character) or unicodedata.name(character, "")
    return f"{name} ({code})" if character in _NAMES else f"{code} {name}".strip()


def find_control_character(text: str) -> str | None:
    """The first control character in `text` (tab allowed), described for a person, or None."""
    found = _CONTROL.search(text)
    return describe_character(found.group()) if found else None


@deconstructible
class NoControlCharactersValidator:
    message = "Remove the invisible control character ({character}) from this text."
    code = "control_character"

    def __call__(self, value: object) -> None:
        character = find_control_character(str(value))
        if character is not None:
            raise ValidationError(
                self.message.format(character=character),
                code=self.code,
                params={"value": value},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharactersValidator)


validate_no_control_characters = NoControlCharactersValidator()


_SPACES = re.compile(r"\s+")


def tidy_spaces(text: str) -> str:
    """Runs of white space become one space; the ends are trimmed."""
    return _SPACES.sub(" ", text).strip()


def skill_key(name: str) -> str:
    """The identity of a skill name: case and runs of white space do not matter. The one rule,
    for the taxonomy (accounts.Skill) and the staff file's parser alike."""
    return tidy_spaces(name).casefold()
