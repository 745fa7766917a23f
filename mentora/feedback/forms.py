from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora.feedback.models import CheckIn, Evaluation, Feedback, FeedbackKind

ONE_TO_FIVE = [(i, str(i)) for i in range(1, 6)]


class CheckInForm(forms.ModelForm[CheckIn]):
    going_well = forms.TypedChoiceField(label=CheckIn._meta.get_field("going_well").verbose_name, coerce=int,
                                        choices=ONE_TO_FIVE, widget=forms.RadioSelect)
    meeting_regularly = forms.TypedChoiceField(
        label=CheckIn._meta.get_field("meeting_regularly").verbose_name, coerce=lambda v: v == "yes",
        choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect)
    usefulness = forms.TypedChoiceField(label=CheckIn._meta.get_field("usefulness").verbose_name, coerce=int,
                                        choices=ONE_TO_FIVE, widget=forms.RadioSelect)

    class Meta:
        model = CheckIn
        fields = ["going_well", "meeting_regularly", "usefulness", "comment", "flag_to_coordinator"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2}), "flag_to_coordinator": forms.Textarea(attrs={"rows": 2})}


class FeedbackForm(forms.ModelForm[Feedback]):
    kind = forms.ChoiceField(label=_("What is it?"), choices=FeedbackKind.choices, widget=forms.RadioSelect,
                             initial=FeedbackKind.FEEDBACK)

    class Meta:
        model = Feedback
        fields = ["recipient", "kind", "body", "goal", "milestone", "style_rating", "usefulness_rating",
                  "listening_rating", "is_anonymous"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
        labels = {"recipient": _("To")}
        help_texts = {"body": _("Markdown is supported. Be specific and kind."),
                      "goal": _("Kudos can celebrate a goal or a milestone.")}

    def __init__(self, *args: Any, recipients: Any, goals: Any, milestones: Any, allow_anonymous: bool,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients  # type: ignore[attr-defined]
        self.fields["recipient"].label_from_instance = lambda m: m.user.display_name  # type: ignore[attr-defined]
        self.fields["goal"].queryset = goals  # type: ignore[attr-defined]
        self.fields["milestone"].queryset = milestones  # type: ignore[attr-defined]
        for name in ("style_rating", "usefulness_rating", "listening_rating"):
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label, coerce=int, empty_value=None, required=False,
                choices=[("", "—"), *ONE_TO_FIVE],
                help_text=_("For feedback on the mentoring (optional)."),
            )
        if not allow_anonymous:
            del self.fields["is_anonymous"]


class EvaluationForm(forms.ModelForm[Evaluation]):
    satisfaction = forms.TypedChoiceField(label=Evaluation._meta.get_field("satisfaction").verbose_name, coerce=int,
                                          choices=ONE_TO_FIVE, widget=forms.RadioSelect)
    nps = forms.TypedChoiceField(label=Evaluation._meta.get_field("nps").verbose_name, coerce=int,
                                 choices=[(i, str(i)) for i in range(11)], widget=forms.RadioSelect)

    class Meta:
        model = Evaluation
        fields = ["satisfaction", "nps", "outcomes", "comments"]
        widgets = {"outcomes": forms.RadioSelect, "comments": forms.Textarea(attrs={"rows": 3})}
