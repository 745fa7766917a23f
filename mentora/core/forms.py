from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora.profiles.diversity import DIVERSITY_ATTRIBUTES
from mentora.profiles.models import DiversityUse


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(label=_("Short name (in addresses)"), max_length=60, required=False)
    admin_email = forms.EmailField(
        label=_("First admin's email"), required=False,
        help_text=_("Leave empty to be the admin yourself. Someone without an account yet gets an invitation to join as admin."),
    )


class DiversitySettingsForm(forms.Form):
    diversity_enabled = forms.BooleanField(label=_("Collect optional diversity attributes"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for attribute in DIVERSITY_ATTRIBUTES:
            self.fields[f"use_{attribute.key}"] = forms.ChoiceField(
                label=attribute.label, choices=DiversityUse.choices, initial=DiversityUse.NOT_STORED
            )
