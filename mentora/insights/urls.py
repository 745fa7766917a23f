"""Insights pages, under /o/<org>/ (coordinators and admins only)."""

from django.urls import path

from mentora.insights import export_views, outcome_views, report_views, retrospective_views, risk_views, views

app_name = "insights"

urlpatterns = [
    path("insights/", views.organization_insights, name="organization"),
    path("programs/<int:program_id>/insights/", views.program_insights_page, name="program"),
    path("programs/<int:program_id>/insights/people/", views.program_people, name="people"),
    path("programs/<int:program_id>/insights/behind/<slug:key>/", views.program_behind, name="behind"),
    path("programs/<int:program_id>/insights/people/message/", views.people_message, name="people_message"),
    path("programs/<int:program_id>/insights/scheduled/<int:scheduled_id>/cancel/", views.scheduled_cancel,
         name="scheduled_cancel"),
    path("programs/<int:program_id>/insights/at-risk/", risk_views.at_risk, name="at_risk"),
    path("programs/<int:program_id>/insights/nudge/", risk_views.nudge, name="nudge"),
    path("programs/<int:program_id>/insights/retrospective/", retrospective_views.program_retrospective,
         name="retrospective"),
    path("programs/<int:program_id>/insights/next-cohort/", retrospective_views.next_cohort, name="next_cohort"),
    path("insights/compare/", retrospective_views.compare_cohorts, name="compare"),
    path("programs/<int:program_id>/insights/outcomes/", outcome_views.program_outcomes, name="outcomes"),
    path("insights/reports/", report_views.subscribe_organization_report, name="report_subscribe_organization"),
    path("programs/<int:program_id>/insights/reports/", report_views.subscribe_program_report, name="report_subscribe"),
    path("insights/reports/<int:subscription_id>/stop/", report_views.stop_report, name="report_stop"),
    path("programs/<int:program_id>/insights/exports/", export_views.exports_page, name="exports"),
    path("programs/<int:program_id>/insights/export/<slug:dataset>.<slug:fmt>", export_views.export, name="export"),
]
