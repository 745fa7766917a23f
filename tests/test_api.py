"""The REST API: same rules and services as the pages; clear errors on bad input."""

from __future__ import annotations

import json

from django.test import Client

from mentora.profiles.models import Skill
from mentora.programs.models import Enrollment, Program


def patch(client: Client, url: str, body: dict) -> object:
    return client.patch(url, data=json.dumps(body), content_type="application/json")


def test_me_lists_the_users_organizations(world, as_member):
    body = as_member.get("/api/me").json()
    assert body["memberships"] == [{"organization": "acme", "organization_name": "Acme", "role": "member"}]


def test_a_member_updates_their_profile_skills_and_availability(world, as_member):
    skill = Skill.objects.filter(organization__isnull=True).first()
    response = patch(as_member, "/api/orgs/acme/profile", {
        "headline": "Hello", "timezone": "America/Toronto", "languages": ["en", "fr"],
        "skills_offered": [{"skill_id": skill.pk, "level": 4}], "availability_cells": ["1-9", "1-10"],
    })
    assert response.status_code == 200
    body = response.json()
    assert body["headline"] == "Hello" and body["timezone"] == "America/Toronto"
    assert body["skills_offered"] == [{"skill_id": skill.pk, "name": skill.name, "level": 4}]
    assert body["availability"] == [{"weekday": 1, "start_minute": 540, "end_minute": 660}]


def test_bad_profile_input_is_refused_and_changes_nothing(world, as_member):
    for body in ({"timezone": "Nowhere/City"}, {"languages": ["xx"]}, {"level": 42}, {"communication_preferences": ["pigeon"]},
                 {"skills_offered": [{"skill_id": 999999, "level": 2}]}, {"availability_cells": ["8-8"]}):
        response = patch(as_member, "/api/orgs/acme/profile", body | {"headline": "changed"})
        assert response.status_code == 422, body
    assert as_member.get("/api/orgs/acme/profile").json()["headline"] == ""


def test_explicit_nulls_clear_fields(world, as_member):
    patch(as_member, "/api/orgs/acme/profile", {"headline": "x", "languages": ["en"]})
    body = patch(as_member, "/api/orgs/acme/profile", {"headline": None, "languages": None}).json()
    assert body["headline"] == "" and body["languages"] == []


def test_a_coordinator_creates_a_program_and_decides_through_the_api(world, as_coordinator):
    response = as_coordinator.post("/api/orgs/acme/programs", data=json.dumps({
        "name": "API Program", "starts_on": "2027-01-01", "ends_on": "2027-06-01", "status": "open",
    }), content_type="application/json")
    assert response.status_code == 201
    assert Program.objects.get(pk=response.json()["id"]).organization == world.org
    decided = as_coordinator.post(f"/api/orgs/acme/enrollments/{world.mentee_enrollment.pk}/decision",
                                  data=json.dumps({"decision": "approve", "message": "Yes"}), content_type="application/json")
    assert decided.json()["status"] == "approved"


def test_an_invalid_program_is_a_422_with_the_field(world, as_coordinator):
    response = as_coordinator.post("/api/orgs/acme/programs", data=json.dumps({
        "name": "Bad", "starts_on": "2027-06-01", "ends_on": "2027-01-01"}), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["field"] == "ends_on"
    assert not Program.objects.filter(name="Bad").exists()


def test_a_member_enrols_through_the_api(world, as_member):
    response = as_member.post(f"/api/orgs/acme/programs/{world.program.pk}/enrollments",
                              data=json.dumps({"role": "mentor", "capacity": 2}), content_type="application/json")
    assert response.status_code == 201
    assert response.json()["capacity"] == 2
    assert Enrollment.objects.filter(membership=world.member, role="mentor").exists()
    again = as_member.post(f"/api/orgs/acme/programs/{world.program.pk}/enrollments",
                           data=json.dumps({"role": "mentor"}), content_type="application/json")
    assert again.status_code == 409


def test_members_never_see_other_peoples_enrolments(world, as_member):
    assert as_member.get(f"/api/orgs/acme/programs/{world.program.pk}/enrollments").status_code == 404
    assert as_member.get("/api/orgs/acme/enrollments/mine").json() == {"items": [], "count": 0}


def test_session_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member.user)
    response = client.patch("/api/orgs/acme/profile", data=json.dumps({"headline": "x"}), content_type="application/json")
    assert response.status_code == 403


def test_a_form_body_sent_to_a_json_operation_is_a_400_not_a_500(world, as_coordinator):
    """The edge guard reads form bodies (to refuse control characters); an operation that takes JSON
    then could not read the body again and answered 500 (RawPostDataException)."""
    url = f"/api/orgs/acme/enrollments/{world.mentee_enrollment.pk}/decision"
    multipart = as_coordinator.post(url, {"decision": "approve"})  # the test client's default: multipart
    urlencoded = as_coordinator.post(url, "decision=approve", content_type="application/x-www-form-urlencoded")
    for response in (multipart, urlencoded):
        assert response.status_code == 400
        assert response.json()["detail"].startswith("Cannot parse request body")
    world.mentee_enrollment.refresh_from_db()
    assert world.mentee_enrollment.status == "applied"


def test_lists_page_through_every_row_at_most_100_at_a_time(world, as_mentee, as_coordinator):
    """Lists used to be cut short before paging (check-ins at 200, runs at 50): `count` was wrong and
    the rows past the cut could not be reached. Now counts and pages come from the database."""
    from datetime import date, timedelta

    from django.utils import timezone

    from mentora.feedback.models import CheckIn
    from mentora.matching.models import MatchRun, MatchRunStatus

    CheckIn.objects.bulk_create(
        CheckIn(mentorship=world.mentorship, respondent=world.mentee, sequence=n, sent_at=timezone.now(),
                due_on=date(2026, 1, 1) + timedelta(days=n)) for n in range(1, 206))
    MatchRun.objects.bulk_create(MatchRun(program=world.program, status=MatchRunStatus.DONE) for _ in range(55))

    first = as_mentee.get("/api/orgs/acme/check-ins?limit=100").json()
    assert first["count"] == 205 and len(first["items"]) == 100
    last = as_mentee.get("/api/orgs/acme/check-ins?limit=100&offset=200").json()
    assert [c["sequence"] for c in last["items"]] == [5, 4, 3, 2, 1]  # newest due first, to the very end
    assert as_mentee.get("/api/orgs/acme/check-ins?limit=101").status_code == 422  # the cap is a hard one
    assert as_mentee.get("/api/orgs/acme/check-ins?offset=1000000000").json() == {"items": [], "count": 205}
    # Past what a database slice takes (64 bits) it was a 500 ("bigint out of range" on PostgreSQL).
    assert as_mentee.get(f"/api/orgs/acme/check-ins?offset={10**20}").status_code == 422

    runs = as_coordinator.get(f"/api/orgs/acme/programs/{world.program.pk}/match-runs?offset=50").json()
    assert runs["count"] == 55 and len(runs["items"]) == 5
