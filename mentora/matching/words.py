"""Turn the engine's structured explanations into plain words people understand."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mentora.profiles.languages import language_name
from mentora.profiles.models import Channel

SENSITIVE_FACTORS = {"generation"}


def _names(values: list[str], names: dict[str, str] | None = None) -> str:
    shown = [(names or {}).get(v, v.replace("-", " ")) for v in values[:4]]
    return ", ".join(shown)


def explain_in_words(
    explanation: list[dict[str, Any]], *, department_mode: str = "diversity", zones: tuple[str, str] | None = None,
    skill_names: dict[str, str] | None = None,
) -> list[str]:
    """One short sentence per contributing factor, best first; sensitive factors never appear.

    >>> explain_in_words([{"factor": "skills", "share": 0.5, "value": 1, "detail": ["public-speaking"]},
    ...                   {"factor": "availability", "share": 0.3, "value": 1, "detail": ["3 h/week"]}],
    ...                  zones=("Europe/Paris", "America/Toronto"))
    ['both want to work on public speaking', '3 h/week of shared availability across Paris and Toronto']
    """
    sentences: list[str] = []
    for item in explanation:
        factor, detail = item.get("factor"), list(item.get("detail") or [])
        if factor in SENSITIVE_FACTORS:
            continue
        if factor == "skills" and detail:
            sentences.append(_("both want to work on %(skills)s") % {"skills": _names(detail, skill_names)})
        elif factor == "goals" and detail:
            sentences.append(_("shared interests: %(tags)s") % {"tags": _names(detail)})
        elif factor == "text":
            sentences.append(_("similar goals in their own words"))
        elif factor == "availability" and detail:
            if zones and zones[0] != zones[1]:
                places = [z.split("/")[-1].replace("_", " ") for z in zones]
                sentences.append(_("%(hours)s of shared availability across %(a)s and %(b)s") % {
                    "hours": detail[0], "a": places[0], "b": places[1]})
            else:
                sentences.append(_("%(hours)s of shared availability") % {"hours": detail[0]})
        elif factor == "communication" and detail:
            labels = {c.value: str(c.label).lower() for c in Channel}
            sentences.append(_("both like to meet by %(ways)s") % {"ways": ", ".join(labels.get(d, d) for d in detail)})
        elif factor == "languages" and detail:
            sentences.append(_("both speak %(langs)s") % {"langs": ", ".join(language_name(d) for d in detail)})
        elif factor == "learning" and detail:
            sentences.append(_("the same learning style"))
        elif factor == "seniority" and detail:
            sentences.append(_("a seniority %(gap)s, in the range the program prefers") % {"gap": detail[0]})
        elif factor == "department" and detail:
            if detail[0] == "different":
                sentences.append(_("different departments, as the program prefers") if department_mode == "diversity"
                                 else _("different departments"))
            else:
                sentences.append(_("the same department, as the program prefers") if department_mode == "affinity"
                                 else _("the same department"))
        elif factor == "site" and detail:
            sentences.append(_("different sites") if detail[0] == "different" else _("the same site"))
        elif factor == "choices":
            sentences.append(_("the mentee ranked this mentor among their choices"))
    return sentences
