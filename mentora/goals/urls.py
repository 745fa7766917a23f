from django.urls import path

from mentora.goals import quiz_views, review_views, views

app_name = "goals"
urlpatterns = [
    path("mentorships/<int:mentorship_id>/goals/new/", views.goal_create, name="create"),
    path("goals/<int:goal_id>/", views.goal_detail, name="detail"),
    path("goals/<int:goal_id>/edit/", views.goal_edit, name="edit"),
    path("goals/<int:goal_id>/status/", views.goal_status, name="status"),
    path("goals/<int:goal_id>/milestones/", views.milestone_add, name="milestone_add"),
    path("goals/<int:goal_id>/items/", views.item_add, name="item_add"),
    path("goals/<int:goal_id>/evidence/", views.evidence_add, name="evidence_add"),
    path("goals/<int:goal_id>/comments/", views.comment_add, name="comment_add"),
    path("evidence/<int:evidence_id>/file/", views.evidence_file, name="evidence_file"),
    path("milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone_done"),
    path("milestones/<int:milestone_id>/quiz/", quiz_views.milestone_quiz, name="milestone_quiz"),
    path("milestones/<int:milestone_id>/quiz/take/", quiz_views.quiz_take, name="quiz_take"),
    path("milestones/<int:milestone_id>/review/", review_views.milestone_review, name="review"),
    path("checklist-items/<int:item_id>/done/", views.item_done, name="item_done"),
    path("programs/<int:program_id>/quizzes/", quiz_views.quiz_list, name="quizzes"),
    path("programs/<int:program_id>/quizzes/new/", quiz_views.quiz_create, name="quiz_create"),
]
