"""Sections other apps add to the mentorship home page (goals, meetings, messages, …).

An app registers a panel in its AppConfig.ready():

    register_panel(Panel("meetings", "meetings/_mentorship_panel.html", meetings_panel_context, order=20))

The context function gets the request's membership and the mentorship and returns the panel's
template context, or None to hide the panel. Keep each panel to a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PanelContext = Callable[[Any, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    key: str
    template_name: str
    context: PanelContext
    order: int = 50


_PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    _PANELS[panel.key] = panel


def panels_for(membership: Any, mentorship: Any) -> list[dict[str, Any]]:
    rendered = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(membership, mentorship)
        if context is not None:
            rendered.append({"key": panel.key, "template_name": panel.template_name, "context": context})
    return rendered
