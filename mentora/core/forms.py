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


class RetentionForm(forms.Form):
    retention_months = forms.IntegerField(
        label=_("Keep a closed mentorship's notes and messages for (months)"), min_value=1, max_value=120,
        help_text=_("Counted from the day a mentorship ended. Then its notes, messages and files, check-ins, "
                    "evaluations, feedback and self-assessments are deleted; the mentorship, its goals and "
                    "meetings stay for the program's figures. 1 to 120 months."),
    )
    min_group_size = forms.IntegerField(
        label=_("Hide any group smaller than (people)"), min_value=3, max_value=11,
        help_text=_("Figures about a department, a site, a level or answers to a question are shown only when they "
                    "describe at least this many people — and enough other groups are hidden with them that a "
                    "total cannot give a small one away. 3 to 11; 5 is the usual choice."),
    )


class SigninPolicyForm(forms.Form):
    require_mfa_for_staff = forms.BooleanField(
        label=_("Require two-step sign-in for admins and coordinators"), required=False,
        help_text=_("Admins and coordinators then sign in with their password and a code from an app on their "
                    "phone (or a passkey). Until they have set it up, every page of this organization sends "
                    "them to do so, and the API refuses them. Mentors and mentees can turn it on for "
                    "themselves but are never made to."),
    )


class BrandingForm(forms.Form):
    """The organization's accent colour and logo (checked in branding.set_organization_branding)."""

    accent_color = forms.CharField(
        label=_("Accent colour"), required=False, max_length=7,
        widget=forms.TextInput(attrs={"placeholder": "#0f6b62", "pattern": "#?[0-9a-fA-F]{3,6}", "size": 8}),
        help_text=_("A hex code such as #0f6b62. White text sits on it, so it must be dark enough (4.5:1). "
                    "Leave empty for Mentora's teal."),
    )
    logo = forms.FileField(
        label=_("Logo"), required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("A JPEG, PNG or WebP image up to 5 MB; shown in the header at most 120 pixels high."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
