from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora.accounts.models import Role


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("People CSV"),
        help_text=_("Columns: name, email, department, job_title, level, manager_email, location, "
                    "timezone, languages. Only name and email are required."),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload a .csv file."))
        return upload


class ApiTokenForm(forms.Form):
    LIFETIMES = [(30, _("30 days")), (90, _("90 days")), (180, _("6 months")), (365, _("1 year"))]

    name = forms.CharField(label=_("Token name"), max_length=100, help_text=_("What will use it, e.g. “HR sync”."))
    days = forms.TypedChoiceField(label=_("Expires after"), choices=LIFETIMES, coerce=int, initial=90,
                                  required=False, empty_value=None,
                                  help_text=_("A token stops working when it expires; create a new one then."))
