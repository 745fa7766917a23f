"""The catalogue of optional diversity attributes and their consent texts."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

PREFER_NOT_TO_SAY = "prefer_not_to_say"


@dataclass(frozen=True)
class DiversityAttribute:
    key: str
    label: StrOrPromise
    choices: tuple[tuple[str, StrOrPromise], ...]
    consent: StrOrPromise


_PNTS = (PREFER_NOT_TO_SAY, _("Prefer not to say"))

DIVERSITY_ATTRIBUTES: tuple[DiversityAttribute, ...] = (
    DiversityAttribute(
        "gender", _("Gender"),
        (("woman", _("Woman")), ("man", _("Man")), ("non_binary", _("Non-binary")),
         ("self_described", _("I describe myself another way")), _PNTS),
        _("I agree that my gender is stored and used as my organization's policy below says."),
    ),
    DiversityAttribute(
        "age_band", _("Age band"),
        (("under_25", _("Under 25")), ("25_34", "25–34"), ("35_44", "35–44"), ("45_54", "45–54"),
         ("55_plus", _("55 or over")), _PNTS),
        _("I agree that my age band is stored and used as my organization's policy below says."),
    ),
    DiversityAttribute(
        "ethnicity", _("Ethnicity"),
        (("asian", _("Asian")), ("black", _("Black")), ("hispanic_latino", _("Hispanic or Latino")),
         ("middle_eastern", _("Middle Eastern or North African")), ("mixed", _("Mixed or multiple")),
         ("white", _("White")), ("other", _("Another ethnicity")), _PNTS),
        _("I agree that my ethnicity is stored and used as my organization's policy below says."),
    ),
    DiversityAttribute(
        "disability", _("Disability or long-term condition"),
        (("yes", _("Yes")), ("no", _("No")), _PNTS),
        _("I agree that my disability status is stored and used as my organization's policy below says."),
    ),
    DiversityAttribute(
        "caregiver", _("Caring responsibilities"),
        (("yes", _("Yes")), ("no", _("No")), _PNTS),
        _("I agree that my caring responsibilities are stored and used as my organization's policy below says."),
    ),
    DiversityAttribute(
        "returning_from_leave", _("Returning from a leave of absence"),
        (("yes", _("Yes")), ("no", _("No")), _PNTS),
        _("I agree that my return from leave is stored and used as my organization's policy below says."),
    ),
)

ATTRIBUTES_BY_KEY = {attribute.key: attribute for attribute in DIVERSITY_ATTRIBUTES}
