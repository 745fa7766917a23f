from django.contrib import admin

from mentora.feedback.models import FeedbackSettings


@admin.register(FeedbackSettings)
class FeedbackSettingsAdmin(admin.ModelAdmin[FeedbackSettings]):
    list_display = ["program", "check_in_every_weeks", "allow_anonymous_feedback"]
