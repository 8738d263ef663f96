"""The board (the submissions side by side per position or group) and the grades CSV."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .. import selectors
from ..access import check_board, get_assignment, get_phase
from ..models import Phase


@require_safe
@login_required
def assignment_board(request, pk, phase=Phase.ARGUE):
    assignment = get_assignment(request.user, pk)
    phase = get_phase(assignment, phase)
    check_board(request.user, assignment, phase, timezone.now())
    columns, group_rows = [], []
    if phase == Phase.CONSENSUS:
        group_rows = selectors.group_rows(assignment)
        if not assignment.user_teaches:
            group_rows = [(g, members, sub) for g, members, sub in group_rows if sub and sub.is_submitted]
    else:
        columns = selectors.board_rows(assignment, phase)
        if not assignment.user_teaches:
            # Classmates see submitted cases only: never another student's draft.
            columns = [
                (position, [(s, sub) for s, sub in rows if sub and sub.is_submitted]) for position, rows in columns
            ]
    students = [s for _, rows in columns for s, _ in rows] + [
        a.student for _, members, _ in group_rows for a in members
    ]
    aliases = {}
    if assignment.anonymous_peers and not assignment.user_teaches:
        aliases = selectors.anonymise(request.user, assignment, [student.pk for student in students])

    def shown(student):
        return aliases.get(student.pk) or student.get_full_name() or student.username

    # Each row carries the name to show, so the template never reads a name it must not.
    columns = [(position, [(s, shown(s), sub) for s, sub in rows]) for position, rows in columns]
    group_rows = [(g, [(a, shown(a.student)) for a in members], sub) for g, members, sub in group_rows]
    return render(
        request,
        "classroom/assignment_board.html",
        {
            "assignment": assignment,
            "phase": phase,
            "phase_label": Phase(phase).label,
            "phase_links": [(p, Phase(p).label) for p in assignment.phases],
            "columns": columns,
            "group_rows": group_rows,
            "anonymous": bool(aliases),
        },
    )


@require_safe
@login_required
def assignment_grades_csv(request, pk):
    assignment = get_assignment(request.user, pk, teaching=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="grades-assignment-{assignment.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "username",
            "name",
            "email",
            "phase",
            "side",
            "status",
            "evidence",
            "words",
            "submitted_at",
            "grade",
            "returned",
            "feedback",
        ]
    )

    def row(student, phase, side, submission):
        feedback = getattr(submission, "feedback", None) if submission and hasattr(submission, "feedback") else None
        writer.writerow(
            [
                _csv_safe(student.username),
                _csv_safe(student.get_full_name()),
                _csv_safe(student.email),
                phase,
                _csv_safe(side),
                submission.progress if submission else "not started",
                submission.citation_count if submission else 0,
                submission.word_count if submission else 0,
                timezone.localtime(submission.submitted_at).isoformat()
                if submission and submission.submitted_at
                else "",
                _csv_safe(feedback.grade) if feedback else "",
                "yes" if feedback and feedback.is_returned else "no",
                _csv_safe(feedback.comment) if feedback else "",
            ]
        )

    for phase in assignment.phases:
        if phase == Phase.CONSENSUS:
            # The group's grade is each member's grade for the consensus.
            for group, members, submission in selectors.group_rows(assignment):
                for allocation in members:
                    row(allocation.student, phase, str(group), submission)
        else:
            for position, rows in selectors.board_rows(assignment, phase):
                for student, submission in rows:
                    row(student, phase, position.label, submission)
    return response


def _csv_safe(text):
    """Spreadsheets run cells starting with = + - @ as formulas; quote them out."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
