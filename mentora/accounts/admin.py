"""The Django admin's view of two-step sign-in: platform admins reset it for someone who lost their
phone and recovery codes (after checking it is them); each reset goes to the security log."""

from __future__ import annotations

from typing import Any

from allauth.mfa.admin import AuthenticatorAdmin as AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from mentora.core import security_log

admin.site.unregister(Authenticator)


def _log_resets(request: HttpRequest, authenticators: QuerySet[Authenticator]) -> None:
    for authenticator in authenticators:
        security_log.event("mfa.reset_by_admin", user=authenticator.user, kind=authenticator.type,
                           authenticator_id=authenticator.pk, admin_id=request.user.pk)


@admin.register(Authenticator)
class AuthenticatorAdmin(AllauthAuthenticatorAdmin):  # type: ignore[misc]
    list_display = ("user", "type", "created_at", "last_used_at")
    search_fields = ("user__email", "user__full_name")
    # The secret (TOTP key, recovery seed, public key) is never shown, not even to platform admins.
    exclude = ("data",)
    readonly_fields = ("user", "type", "created_at", "last_used_at")
    actions = ["reset_two_step_sign_in"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Reset two-step sign-in for these people (all their app, passkeys and codes)")
    def reset_two_step_sign_in(self, request: HttpRequest, queryset: QuerySet[Authenticator]) -> None:
        everything = Authenticator.objects.filter(user_id__in=queryset.values("user_id")).select_related("user")
        people = everything.values("user_id").distinct().count()
        _log_resets(request, everything)
        everything.delete()
        self.message_user(request, f"Two-step sign-in reset for {people} person(s): they can sign in with their "
                                   "password and set it up again.", messages.SUCCESS)

    def delete_model(self, request: HttpRequest, obj: Authenticator) -> None:
        _log_resets(request, Authenticator.objects.filter(pk=obj.pk).select_related("user"))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Authenticator]) -> None:
        _log_resets(request, queryset.select_related("user"))
        super().delete_queryset(request, queryset)
