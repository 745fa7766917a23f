from django.urls import path

from mentora.accounts import views

app_name = "accounts"
urlpatterns = [
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("account/tokens/", views.api_tokens, name="api_tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("o/<slug:org>/people/", views.people, name="people"),
    path("o/<slug:org>/people/invite/", views.invite, name="invite"),
    path("o/<slug:org>/people/<int:member_id>/role/", views.change_member_role, name="change_role"),
    path("o/<slug:org>/invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("o/<slug:org>/people/import/", views.import_upload, name="import_upload"),
    path("o/<slug:org>/people/import/<int:import_id>/", views.import_preview, name="import_preview"),
    path("o/<slug:org>/people/import/<int:import_id>/invite/", views.import_invite, name="import_invite"),
]
