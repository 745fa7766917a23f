"""What a coordinator can download about a program: the catalogue of datasets and the download.

Two kinds of table (built in `export_tables`). *Records*, one row per enrolment, mentorship, goal or
check-in, hold what a coordinator already sees about each person in the product: names, work
details, statuses, dates and counts — never a free text someone wrote (motivations, agendas, notes,
comments, flags), never a diversity answer. *Group figures* (check-in results by round, evaluation
results by role, participation by department) are the only place answers to surveys appear, and
they go through `suppression`: a group smaller than five people is hidden, with complements where
a total is shown. docs/insights.md ("Exports") lists per dataset what is and is not included, and why.

Both formats stream (see `spreadsheets`): CSV line by line from the database cursor, XLSX from a
temporary file written in constant memory. Every download is written to the audit log.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from mentora.accounts.models import Membership
from mentora.core.models import AuditEvent, record_audit_event
from mentora.feedback.models import CheckIn
from mentora.goals.models import Goal
from mentora.insights.export_tables import (
    Scope,
    Table,
    check_in_results_table,
    check_ins_table,
    departments_table,
    enrolments_table,
    evaluation_results_table,
    goals_table,
    meetings_table,
    mentorships_table,
)
from mentora.insights.spreadsheets import csv_lines, file_blocks, streaming_body, write_xlsx
from mentora.mentorships.models import Mentorship
from mentora.programs.models import Enrollment, Program

__all__ = ["DATASETS", "FORMATS", "Dataset", "DatasetSummary", "datasets_for", "export_filename", "export_response",
           "record_export"]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE}


@dataclass(frozen=True)
class Dataset:
    """A table a coordinator can download, described in words for the exports page and the file."""

    slug: str
    title: str | Promise
    holds: str | Promise
    leaves_out: str | Promise
    is_group_figure: bool
    icon: str
    table: Callable[[Scope], Table]
    count: Callable[[Program], int]
    rows_in_words: Callable[[int], str]


@dataclass(frozen=True)
class DatasetSummary:
    """A dataset as the exports page (and `_exports.html`) lists it."""

    slug: str
    title: str
    holds: str
    leaves_out: str
    is_group_figure: bool
    icon: str
    rows: int
    rows_in_words: str


# --- The catalogue ---------------------------------------------------------------------------------

def _rows_of(table: Callable[[Scope], Table]) -> Callable[[Program], int]:
    return lambda program: sum(1 for _row in table(Scope.of(program)).rows)


def _mentorship_count(program: Program) -> int:
    return Mentorship.objects.filter(program=program).count()


DATASETS: dict[str, Dataset] = {dataset.slug: dataset for dataset in (
    Dataset(
        "enrolments", _lazy("Enrolments"),
        _lazy("Everyone who applied: name, email, department, job title, site, job level, role, status, when they "
              "applied and were decided, and for mentors their places, matches and training."),
        _lazy("Motivations, answers to enrolment questions, decision messages and diversity answers."),
        False, "users", enrolments_table, lambda program: Enrollment.objects.filter(program=program).count(),
        lambda n: ngettext("%(n)d enrolment", "%(n)d enrolments", n) % {"n": n},
    ),
    Dataset(
        "mentorships", _lazy("Matches and mentorships"),
        _lazy("Each mentorship: kind, status, how it started, its members and their roles, start and end dates, and "
              "the match run and score when it came from a published run."),
        _lazy("Why a mentorship ended (reasons can be private), agreements, notes and messages."),
        False, "handshake", mentorships_table, _mentorship_count,
        lambda n: ngettext("%(n)d mentorship", "%(n)d mentorships", n) % {"n": n},
    ),
    Dataset(
        "meetings", _lazy("Meetings"),
        _lazy("Per mentorship, how many meetings were booked, held, missed, cancelled and upcoming, and the dates of "
              "the first and last meeting held."),
        _lazy("What meetings are about: agendas, notes, places and links, times and reasons for cancelling."),
        False, "calendar", meetings_table, _mentorship_count,
        lambda n: ngettext("%(n)d mentorship", "%(n)d mentorships", n) % {"n": n},
    ),
    Dataset(
        "goals", _lazy("Goals progress"),
        _lazy("Each goal: its mentorship, title, owner, status and target date, milestones done, due and overdue, "
              "steps done, and progress."),
        _lazy("Descriptions, measures, evidence, comments and milestone reviews."),
        False, "target", goals_table, lambda program: Goal.objects.filter(mentorship__program=program).count(),
        lambda n: ngettext("%(n)d goal", "%(n)d goals", n) % {"n": n},
    ),
    Dataset(
        "check-ins", _lazy("Check-ins"),
        _lazy("Each check-in: its mentorship, the respondent's role, the round, when it was due, sent and answered, "
              "and whether something was flagged to a coordinator."),
        _lazy("The answers: ratings are in “Check-in results” for groups of at least five people; comments and what "
              "was flagged are never exported."),
        False, "message-circle", check_ins_table, lambda program: CheckIn.objects.filter(mentorship__program=program).count(),
        lambda n: ngettext("%(n)d check-in", "%(n)d check-ins", n) % {"n": n},
    ),
    Dataset(
        "check-in-results", _lazy("Check-in results"),
        _lazy("Per round: how many people answered, how well it is going and how useful it is (means out of 5), and "
              "how many meet as agreed."),
        _lazy("Any single person's answers, and rounds fewer than five people answered."),
        True, "layers", check_in_results_table, _rows_of(check_in_results_table),
        lambda n: ngettext("%(n)d row: one per round", "%(n)d rows: one per round", n) % {"n": n},
    ),
    Dataset(
        "evaluations", _lazy("Evaluation results"),
        _lazy("End-of-program evaluations by role and for everyone: satisfaction, NPS with promoters, passives and "
              "detractors, and how many reached the outcomes they wanted."),
        _lazy("Any single person's answers and comments, and groups of fewer than five people."),
        True, "sparkles", evaluation_results_table, _rows_of(evaluation_results_table),
        lambda n: ngettext("%(n)d row: one per role, and everyone", "%(n)d rows: one per role, and everyone", n) % {"n": n},
    ),
    Dataset(
        "departments", _lazy("Participation by department"),
        _lazy("Per department and in all: how many people applied, were approved, are in a mentorship and "
              "completed one."),
        _lazy("Departments of fewer than five people (and enough others that they cannot be worked out)."),
        True, "users", departments_table, _rows_of(departments_table),
        lambda n: ngettext("%(n)d row: one per department, and all of them", "%(n)d rows: one per department, and all of them",
                           n) % {"n": n},
    ),
)}


def datasets_for(program: Program) -> list[DatasetSummary]:
    """Every dataset of the program, with how many rows it holds (one or two queries each)."""
    summaries = []
    counted: dict[Callable[[Program], int], int] = {}
    for dataset in DATASETS.values():
        if dataset.count not in counted:
            counted[dataset.count] = dataset.count(program)
        rows = counted[dataset.count]
        summaries.append(DatasetSummary(dataset.slug, str(dataset.title), str(dataset.holds), str(dataset.leaves_out),
                                        dataset.is_group_figure, dataset.icon, rows, dataset.rows_in_words(rows)))
    return summaries


def export_filename(program: Program, dataset: Dataset, fmt: str, on: date) -> str:
    """`career-growth-2027-enrolments-2026-12-03.csv`: the program, the dataset, the day, the format.

    >>> export_filename(Program(name="Career Growth 2027"), DATASETS["enrolments"], "csv", date(2026, 12, 3))
    'career-growth-2027-enrolments-2026-12-03.csv'
    """
    return f"{slugify(program.name) or 'program'}-{dataset.slug}-{on.isoformat()}.{fmt}"


def _about(dataset: Dataset, scope: Scope) -> list[tuple[str, str]]:
    about = [(_("Program"), scope.program.name), (_("Table"), str(dataset.title)), (_("What it holds"), str(dataset.holds)),
             (_("Left out"), str(dataset.leaves_out)), (_("Exported on"), scope.today.isoformat()),
             (_("Dates"), _("Days are given in the time zone %(zone)s.") % {"zone": scope.zone})]
    if dataset.is_group_figure:
        about.append((_("Privacy"), _("A group of fewer than %(k)d people is hidden, and so are enough others that it "
                                      "cannot be worked out from a total.") % {"k": scope.k}))
    return about


def export_response(request: HttpRequest, *, dataset: Dataset, fmt: str, scope: Scope) -> StreamingHttpResponse:
    """The download: CSV streamed line by line, or XLSX written to a temporary file and streamed from it."""
    table = dataset.table(scope)
    if fmt == "csv":
        response = StreamingHttpResponse(streaming_body(request, csv_lines(table.columns, table.rows)),
                                         content_type=FORMATS["csv"])
    else:
        file = tempfile.TemporaryFile()  # noqa: SIM115  (closed by file_blocks once sent)
        try:
            write_xlsx(file, title=str(dataset.title), columns=table.columns, rows=table.rows,
                       about=_about(dataset, scope), about_title=_("About this table"))
        except BaseException:
            file.close()
            raise
        size = file.tell()
        response = StreamingHttpResponse(streaming_body(request, file_blocks(file), lines=1), content_type=XLSX_TYPE)
        response["Content-Length"] = str(size)
    filename = export_filename(scope.program, dataset, fmt, scope.today)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response


def record_export(*, program: Program, by: Membership, dataset: Dataset, fmt: str) -> AuditEvent:
    """Write who downloaded which dataset of which program to the audit log."""
    return record_audit_event(organization=by.organization, actor=by.user, action="insights.export", target=program,
                              details={"dataset": dataset.slug, "format": fmt})
