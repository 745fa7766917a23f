from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora.profiles.diversity import ATTRIBUTES_BY_KEY
from mentora.profiles.languages import LANGUAGE_CHOICES
from mentora.profiles.models import Channel, Profile

TIMEZONE_CHOICES = [(tz, tz.replace("_", " ")) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz or tz == "UTC"]


class ProfileForm(forms.ModelForm[Profile]):
    full_name = forms.CharField(label=_("Your name"), max_length=200)
    # The version the page was made from; a save from an older one is refused (another tab saved first).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=TIMEZONE_CHOICES,
                                 help_text=_("Your availability below is in this zone."))
    languages = forms.MultipleChoiceField(
        label=_("Languages you can mentor in"), choices=LANGUAGE_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
        help_text=_("Tick every language you could hold a mentoring conversation in."),
    )
    communication_preferences = forms.MultipleChoiceField(
        label=_("Ways you like to meet"), choices=Channel.choices, required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
    )
    interests_text = forms.CharField(
        label=_("Interests"), required=False, max_length=1000,
        help_text=_("Separate with commas, e.g. “public speaking, product strategy”."),
    )
    level = forms.TypedChoiceField(
        label=_("Job level"), required=False, coerce=int, empty_value=None,
        choices=[("", "—")] + [(n, str(n)) for n in range(1, 11)],
        help_text=_("1 (entry) to 10 (executive)."),
    )

    class Meta:
        model = Profile
        fields = [
            "headline", "bio", "department", "job_title", "level", "location", "timezone", "languages",
            "goals", "communication_preferences", "learning_style", "preferred_cadence", "session_length_minutes",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4}), "goals": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "headline": _("One line about you, e.g. “Data engineer who loves teaching SQL”."),
            "goals": _("What do you want to achieve through mentoring?"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.fields["interests_text"].initial = ", ".join(self.instance.interests or [])
            # The languages already chosen come first, so a long list never hides them.
            spoken = set(self.instance.languages or [])
            languages = self.fields["languages"]
            assert isinstance(languages, forms.MultipleChoiceField)
            languages.choices = sorted(LANGUAGE_CHOICES, key=lambda choice: choice[0] not in spoken)

    def clean_interests_text(self) -> list[str]:
        raw: str = self.cleaned_data.get("interests_text", "")
        tags: list[str] = []
        for part in raw.split(","):
            tag = " ".join(part.split())[:60]
            if tag and tag.lower() not in (t.lower() for t in tags):
                tags.append(tag)
        if len(tags) > 20:
            raise forms.ValidationError(_("List at most 20 interests."))
        return tags


class DiversityForm(forms.Form):
    """One consent checkbox and one answer per collected attribute."""

    def __init__(self, *args: Any, policies: dict[str, str], answers: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attribute_keys = list(policies)
        for key in policies:
            attribute = ATTRIBUTES_BY_KEY[key]
            self.fields[f"consent_{key}"] = forms.BooleanField(
                label=attribute.consent, required=False, initial=key in answers,
            )
            self.fields[f"diversity_{key}"] = forms.ChoiceField(
                label=attribute.label, required=False, initial=answers.get(key, ""),
                choices=[("", _("— not answered —")), *attribute.choices],
            )

    def answers(self) -> dict[str, str | None]:
        result: dict[str, str | None] = {}
        for key in self.attribute_keys:
            consent = self.cleaned_data.get(f"consent_{key}")
            value = self.cleaned_data.get(f"diversity_{key}") or None
            result[key] = value if consent else None
        return result

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for key in self.attribute_keys:
            if cleaned.get(f"diversity_{key}") and not cleaned.get(f"consent_{key}"):
                self.add_error(f"consent_{key}", _("Tick the consent box to store this answer, or clear the answer."))
        return cleaned


class SkillForm(forms.Form):
    name = forms.CharField(label=_("Skill name"), max_length=120)
    category = forms.CharField(label=_("Category"), max_length=120, required=False, initial="Other")


class PhotoForm(forms.Form):
    """Upload a profile photo (the checks and resizing happen in services.set_profile_photo)."""

    photo = forms.FileField(
        label=_("Photo"), required=True,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("A JPEG, PNG or WebP image up to 5 MB. We crop it to a square and shrink it to 256 pixels."),
    )
