"""Purpose templates: sensible starting settings a coordinator can change."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

PURPOSE_PRESETS: dict[str, dict[str, Any]] = {
    "onboarding": {
        "form": "one_on_one", "roles_offered": ["mentor", "mentee"], "mentor_capacity_default": 2,
        "matching_mode": "coordinator", "duration_days": 90,
        "description": _("Every new joiner gets a buddy for their first three months: someone to ask "
                         "the questions nobody writes down."),
        "questions": [
            {"text": _("What would help you most in your first weeks?"), "kind": "text", "roles": ["mentee"]},
        ],
    },
    "returners": {
        "form": "one_on_one", "roles_offered": ["mentor", "mentee"], "mentor_capacity_default": 1,
        "matching_mode": "hybrid", "duration_days": 120,
        "description": _("Support for colleagues coming back from parental, medical or other leave, "
                         "from someone who has made the same return."),
        "questions": [
            {"text": _("Have you returned from a leave yourself?"), "kind": "single",
             "choices": ["Yes", "No"], "roles": ["mentor"], "use_in_matching": True},
        ],
    },
    "career": {
        "form": "one_on_one", "roles_offered": ["mentor", "mentee"], "mentor_capacity_default": 2,
        "matching_mode": "hybrid", "duration_days": 180,
        "description": _("Six months with a more experienced colleague to plan and grow your career."),
        "questions": [
            {"text": _("Where do you want to be in two years?"), "kind": "text", "roles": ["mentee"]},
        ],
    },
    "ai_upskilling": {
        "form": "circle", "roles_offered": ["mentor", "mentee"], "mentor_capacity_default": 6,
        "matching_mode": "coordinator", "duration_days": 90, "circle_size_min": 5, "circle_size_max": 7,
        "description": _("Small learning circles, each led by a practitioner, to get hands-on with AI "
                         "tools and new technology in your own work."),
        "questions": [
            {"text": _("How comfortable are you with AI tools today?"), "kind": "scale", "use_in_matching": True},
        ],
    },
    "reverse": {
        "form": "one_on_one", "roles_offered": ["mentor", "mentee"], "mentor_capacity_default": 1,
        "matching_mode": "coordinator", "duration_days": 120,
        "description": _("Cross-generational mentoring: early-career colleagues mentor senior leaders "
                         "on new technology, culture and ways of working — and learn in return."),
        "questions": [],
    },
    "open": {
        "form": "one_on_one", "roles_offered": ["mentor", "mentee"], "mentor_capacity_default": 2,
        "matching_mode": "self_select", "duration_days": 180, "description": "", "questions": [],
    },
}
PEER_PRESET: dict[str, Any] = {"roles_offered": ["peer"], "matching_mode": "coordinator"}
