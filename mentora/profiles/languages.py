"""Languages people can speak: ISO 639-1 codes with their English and native names."""

from __future__ import annotations

from django.conf.locale import LANG_INFO

# Django's locale catalogue, minus regional variants: one entry per base language.
LANGUAGE_CHOICES: list[tuple[str, str]] = sorted(
    ((code, info["name"]) for code, info in LANG_INFO.items() if "name" in info and "-" not in code and len(code) == 2),
    key=lambda item: item[1],
)
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)
_BY_NAME = {name.lower(): code for code, name in LANGUAGE_CHOICES}
_BY_NAME.update({info["name_local"].lower(): code for code, info in LANG_INFO.items()
                 if "name_local" in info and code in LANGUAGE_NAMES})


def normalize_language(value: str) -> str | None:
    """Return the ISO code for a code or language name, or None if unknown.

    >>> normalize_language("French"), normalize_language("de"), normalize_language("Klingon")
    ('fr', 'de', None)
    """
    cleaned = value.strip().lower()
    if cleaned in LANGUAGE_NAMES:
        return cleaned
    if "-" in cleaned and cleaned.split("-")[0] in LANGUAGE_NAMES:
        return cleaned.split("-")[0]
    return _BY_NAME.get(cleaned)


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)
