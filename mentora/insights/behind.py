"""The mentorships and mentors behind a tile's figure on the program health page.

Each key names one figure; its list is computed by the same `program_insights` call (and filters)
as the figure, so the count on the tile and the length of the list always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .health import ProgramInsights


@dataclass(frozen=True)
class Behind:
    kind: str  # "mentorships" or "mentors"
    title: Promise
    explain: Promise
    ids: Callable[[ProgramInsights], frozenset[int]]


FIGURES: dict[str, Behind] = {
    "met-recently": Behind("mentorships", _("Active mentorships that met in the last 30 days"),
                           _("A meeting held or a session logged in the last 30 days."),
                           lambda i: i.meetings.met_last_30_days_ids),
    "never-met": Behind("mentorships", _("Active mentorships that have not met yet"),
                        _("No meeting held and no session logged since they were matched."),
                        lambda i: i.meetings.never_met_ids),
    "quiet": Behind("mentorships", _("Quiet mentorships"),
                    _("Matched three weeks ago or more, and nothing held in the last three weeks."),
                    lambda i: i.meetings.quiet_ids),
    "milestones-overdue": Behind("mentorships", _("Mentorships with an overdue milestone"),
                                 _("A milestone past its date, not reached, on a goal still being worked on."),
                                 lambda i: i.goals.overdue_mentorship_ids),
    "mentors-full": Behind("mentors", _("Mentors whose places are all taken"),
                           _("They mentor as many people as they offered to."), lambda i: i.load.mentors_who("full")),
    "mentors-over": Behind("mentors", _("Mentors over their capacity"),
                           _("They mentor more people than they offered to; ask how it is going."),
                           lambda i: i.load.mentors_who("over")),
    "mentors-idle": Behind("mentors", _("Mentors with nobody to mentor yet"),
                           _("Approved mentors with places free and no open mentorship."),
                           lambda i: i.load.mentors_who("idle")),
}
