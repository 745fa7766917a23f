from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora.core.timebounds import SupportedDatesMixin
from mentora.matching.models import DEFAULT_WEIGHTS, FACTOR_LABELS, MatchingSettings


class MatchingSettingsForm(SupportedDatesMixin, forms.ModelForm[MatchingSettings]):
    """Weights as sliders (0–5), 'must match' switches, hard rules and fairness."""

    class Meta:
        model = MatchingSettings
        fields = [
            "objective", "exclude_reporting_line", "require_shared_language", "require_training",
            "max_time_zone_gap_hours",
            "mentor_load_cap", "department_mode", "site_mode", "reverse_mentoring", "seniority_gap_min",
            "seniority_gap_max", "avoid_past_pairs", "suggestions_count", "max_open_requests", "request_ttl_days",
            "peer_round_every_days", "next_peer_round_on",
        ]
        help_texts = {
            "require_training": _("Mark who has completed it on the program's Enrolments page."),
        }
        widgets = {
            "objective": forms.RadioSelect(attrs={"class": "choice-list"}),
            "next_peer_round_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        weights = self.instance.effective_weights()
        must = set(self.instance.must_match or [])
        for factor in DEFAULT_WEIGHTS:
            self.fields[f"weight_{factor}"] = forms.FloatField(
                label=FACTOR_LABELS[factor], min_value=0, max_value=5, initial=weights[factor],
                widget=forms.NumberInput(attrs={"type": "range", "min": 0, "max": 5, "step": 0.5, "data-weight": factor}),
            )
            self.fields[f"must_{factor}"] = forms.BooleanField(
                label=_("Must match: %(factor)s") % {"factor": FACTOR_LABELS[factor]}, required=False, initial=factor in must,
            )

    def weight_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"weight_{factor}"], self[f"must_{factor}"]) for factor in DEFAULT_WEIGHTS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("seniority_gap_min"), cleaned.get("seniority_gap_max")
        if low is not None and high is not None and low > high:
            self.add_error("seniority_gap_min", _("The smallest gap cannot be larger than the largest."))
        for factor, mode_field in (("department", "department_mode"), ("site", "site_mode")):
            if cleaned.get(f"must_{factor}") and cleaned.get(mode_field) == "ignore":
                self.add_error(mode_field, _("“Must match” on %(factor)s needs “prefer the same” or “prefer different”.")
                               % {"factor": FACTOR_LABELS[factor]})
        if cleaned.get("peer_round_every_days") and not cleaned.get("next_peer_round_on"):
            self.add_error("next_peer_round_on", _("Choose the date of the first scheduled round."))
        if all(not cleaned.get(f"weight_{factor}") for factor in DEFAULT_WEIGHTS):
            raise forms.ValidationError(_("At least one factor needs a weight above zero."))
        return cleaned

    def save(self, commit: bool = True) -> MatchingSettings:
        settings = super().save(commit=False)
        settings.weights = {factor: float(self.cleaned_data[f"weight_{factor}"]) for factor in DEFAULT_WEIGHTS}
        settings.must_match = [factor for factor in DEFAULT_WEIGHTS if self.cleaned_data.get(f"must_{factor}")]
        if commit:
            settings.save()
        return settings


class RequestForm(forms.Form):
    message = forms.CharField(label=_("Message to the mentor"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    goals = forms.CharField(label=_("What I hope to work on"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    rank = forms.IntegerField(label=_("Your ranking of this mentor (1 = first choice)"), min_value=1, max_value=10, required=False)


class RespondForm(forms.Form):
    action = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline")), ("question", _("Ask a question first"))])
    reply = forms.CharField(label=_("Reply"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
