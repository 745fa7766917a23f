"""The goals API for evidence files, milestone quizzes and milestone reviews: upload and download
with the page's checks (allowed kinds by content, audit of coordinators' downloads), questions
without the answers, attempts until passed, reviews answered once, and 404 for everyone else."""

from __future__ import annotations

import json
from http import HTTPStatus

from django.core.files.uploadedfile import SimpleUploadedFile

from mentora.core.models import AuditEvent
from mentora.goals.models import Evidence, Quiz, QuizAttempt
from tests.conftest import World, client_for
from tests.relationship_fixtures import PDF_BYTES, foreign_mentorship, goal_of, milestone_with_quiz, reviewed_milestone

API = "/api/orgs/acme"


def test_a_member_uploads_evidence_and_a_coordinator_downloads_it_audited(world: World):
    goal = goal_of(world)
    response = client_for(world.mentee).post(f"{API}/goals/{goal.pk}/evidence/file", {
        "file": SimpleUploadedFile("talk.pdf", PDF_BYTES, "application/pdf"), "note": "First outline"})
    assert response.status_code == HTTPStatus.CREATED, response.content
    body = response.json()
    assert body["file_name"] == "talk.pdf" and body["note"] == "First outline"
    assert body["file_url"] == f"{API}/evidence/{body['id']}/file"
    download = client_for(world.mentor).get(body["file_url"])
    assert download.status_code == HTTPStatus.OK and download.content == PDF_BYTES
    assert download["Content-Type"] == "application/pdf" and download["Content-Disposition"].startswith("attachment")
    assert not AuditEvent.objects.filter(action="evidence.download").exists()
    assert client_for(world.coordinator).get(body["file_url"]).content == PDF_BYTES
    assert AuditEvent.objects.filter(action="evidence.download").count() == 1
    assert client_for(world.member).get(body["file_url"]).status_code == HTTPStatus.NOT_FOUND


def test_a_disguised_file_is_refused_and_nothing_is_stored(world: World):
    goal = goal_of(world)
    response = client_for(world.mentee).post(f"{API}/goals/{goal.pk}/evidence/file", {
        "file": SimpleUploadedFile("talk.pdf", b"<script>alert(1)</script>", "application/pdf")})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not Evidence.objects.exists()
    missing = client_for(world.mentee).post(f"{API}/goals/{goal.pk}/evidence/file", {"note": "no file"})
    assert missing.status_code == HTTPStatus.UNPROCESSABLE_ENTITY


def test_another_organizations_evidence_is_not_found(world: World):
    foreign = Evidence.objects.filter(goal__mentorship=foreign_mentorship(world)).exclude(file="").get()
    assert client_for(world.coordinator).get(f"{API}/evidence/{foreign.pk}/file").status_code == HTTPStatus.NOT_FOUND


def test_the_quiz_through_the_api_hides_the_answers_and_counts_attempts(world: World):
    milestone = milestone_with_quiz(world)
    Quiz.objects.filter(pk=milestone.quiz_id).update(pass_percent=100, max_attempts=2)
    mentee = client_for(world.mentee)
    quiz = mentee.get(f"{API}/milestones/{milestone.pk}/quiz").json()
    assert [q["choices"] for q in quiz["questions"]] == [["Magic", "Measurable"], ["Yes", "No"]]
    assert "correct_choice" not in json.dumps(quiz) and quiz["attempts_left"] == 2
    url = f"{API}/milestones/{milestone.pk}/quiz/attempts"
    first = mentee.post(url, json.dumps({"answers": [0, 0]}), content_type="application/json")
    assert first.status_code == HTTPStatus.CREATED and first.json()["passed"] is False
    assert mentee.post(url, json.dumps({"answers": [1]}), content_type="application/json").status_code == 422
    second = mentee.post(url, json.dumps({"answers": [1, 0]}), content_type="application/json").json()
    assert (second["number"], second["score"], second["passed"]) == (2, 2, True)
    assert mentee.post(url, json.dumps({"answers": [1, 0]}), content_type="application/json").status_code == 409
    seen_by_mentor = client_for(world.mentor).get(f"{API}/milestones/{milestone.pk}/quiz").json()
    assert [a["score"] for a in seen_by_mentor["attempts"]] == [2, 1] and seen_by_mentor["attempts_left"] == 0
    assert client_for(world.mentor).post(url, json.dumps({"answers": [1, 0]}),
                                         content_type="application/json").status_code == HTTPStatus.NOT_FOUND
    assert QuizAttempt.objects.count() == 2


def test_milestone_reviews_through_the_api(world: World):
    milestone = reviewed_milestone(world)
    url = f"{API}/milestones/{milestone.pk}/reviews"
    mentee = client_for(world.mentee)
    before = mentee.get(url).json()
    assert before["answered"] == [] and sorted(before["waiting_for"]) == sorted(
        [world.mentor.user.display_name, world.mentee.user.display_name])
    assert before["my_open_review_id"] is not None
    incomplete = mentee.post(f"{url}/mine", json.dumps({"went_well": "Met weekly", "to_change": " ", "next_goals": "Talk"}),
                             content_type="application/json")
    assert incomplete.status_code == HTTPStatus.UNPROCESSABLE_ENTITY and incomplete.json()["field"] == "to_change"
    answer = {"went_well": "Met weekly", "to_change": "Shorter sessions", "next_goals": "Give the talk"}
    saved = mentee.post(f"{url}/mine", json.dumps(answer), content_type="application/json")
    assert saved.status_code == HTTPStatus.OK and saved.json()["answered_at"] is not None
    again = mentee.post(f"{url}/mine", json.dumps(answer), content_type="application/json")
    assert again.status_code == HTTPStatus.CONFLICT
    seen = client_for(world.coordinator).get(url).json()
    assert [r["went_well"] for r in seen["answered"]] == ["Met weekly"] and seen["my_open_review_id"] is None
    assert seen["waiting_for"] == [world.mentor.user.display_name]
    assert client_for(world.coordinator).post(f"{url}/mine", json.dumps(answer),
                                              content_type="application/json").status_code == HTTPStatus.NOT_FOUND


def test_an_over_long_note_is_refused_not_cut(world: World):
    response = client_for(world.mentee).post(f"{API}/goals/{goal_of(world).pk}/evidence/file", {
        "file": SimpleUploadedFile("talk.pdf", PDF_BYTES, "application/pdf"), "note": "x" * 4001})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not Evidence.objects.exists()
