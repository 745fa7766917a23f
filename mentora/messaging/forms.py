from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), required=False, max_length=8000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Markdown works: **bold**, *italic*, lists, links."))
    attachment = forms.FileField(label=_("Attach a file"), required=False)


class EditForm(forms.Form):
    body = forms.CharField(label=_("Message"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DigestForm(forms.Form):
    digest_delay_minutes = forms.TypedChoiceField(
        label=_("Email me unread messages after"), coerce=int,
        choices=[(15, _("15 minutes")), (60, _("1 hour")), (240, _("4 hours")), (1440, _("1 day")), (0, _("Never"))])
