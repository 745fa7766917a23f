"""Turn the engine's structured explanations into plain words people understand."""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from mentora.profiles.languages import language_name
from mentora.profiles.models import Channel

SENSITIVE_FACTORS = {"generation"}

#: Lowest score of each fit label, best first (scores are in [0, 1]; a typical good pair is 0.4).
FIT_LEVELS = ((0.5, "strong"), (0.35, "good"), (0.2, "fair"), (0.0, "weak"))

METHODS = {
    "min-cost-flow/max_total": _lazy("Best total fit for the whole cohort"),
    "min-cost-flow/fair": _lazy("Worst-off match raised first, then the best total fit"),
    "deferred-acceptance": _lazy("Stable matching on everyone's preferences"),
    "relaxation+blossom/knn": _lazy("Best total fit over peer pairs"),
    "min-cost-flow+local-search": _lazy("Circles by fit, shared free time and a mix of teams"),
}


def fit_label(score: float | None) -> str:
    """A fit in words with its percentage, for people rather than for solvers.

    >>> fit_label(0.53), fit_label(0.4), fit_label(0.2), fit_label(0.13), fit_label(None)
    ('Strong fit · 53 %', 'Good fit · 40 %', 'Fair fit · 20 %', 'Weak fit · 13 %', '—')
    """
    if score is None:
        return "—"
    words = {"strong": _("Strong fit"), "good": _("Good fit"), "fair": _("Fair fit"), "weak": _("Weak fit")}
    level = next(name for floor, name in FIT_LEVELS if score >= floor)
    return _("%(label)s · %(percent)d %%") % {"label": words[level], "percent": round(100 * score)}


def method_in_words(solver: str) -> str:
    """How the run was made, in words (the solver's name stays in the exact figures).

    >>> method_in_words("min-cost-flow/max_total"), method_in_words("something-new")
    ('Best total fit for the whole cohort', '')
    """
    return str(METHODS.get(solver, ""))


def optimality_in_words(gap: float | None, total: float | None) -> str:
    """The proven distance to the best possible matching, in words.

    ``gap`` is the engine's proven upper bound minus the run's total score.

    >>> optimality_in_words(0.0, 12.0), optimality_in_words(0.14, 0.86), optimality_in_words(None, 1)
    ('Best possible matching (proven)', 'Within 14 % of the best possible (proven)', '')
    """
    if gap is None:
        return ""
    if gap <= 1e-9:
        return _("Best possible matching (proven)")
    bound = (total or 0.0) + gap
    percent = max(1, math.ceil(100 * gap / bound - 1e-9)) if bound > 0 else 100
    return _("Within %(percent)d %% of the best possible (proven)") % {"percent": percent}


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
        elif factor == "forbidden":
            sentences.append(_("set by hand: the program's hard rules would not propose this pair"))
    return sentences
