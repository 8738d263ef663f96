"""The board (the submissions side by side per position or group) and the grades CSV."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .. import board_cards, rubrics, selectors
from ..access import check_board, get_assignment, get_assignment_access, get_course, get_phase
from ..models import Phase


@require_safe
@login_required
def assignment_board(request, pk, phase=Phase.ARGUE):
    access = get_assignment_access(request.user, pk)
    assignment, teaches = access.assignment, access.teaches
    phase = get_phase(assignment, phase)
    check_board(request.user, assignment, phase, timezone.now(), teaches=teaches)
    columns, group_rows = [], []
    if phase == Phase.CONSENSUS:
        group_rows = selectors.group_rows(assignment)
        if not teaches:
            group_rows = [(g, members, sub) for g, members, sub in group_rows if sub and sub.is_submitted]
    else:
        columns = selectors.board_rows(assignment, phase)
        if not teaches:
            # Classmates see submitted cases only: never another student's draft.
            columns = [
                (position, [(s, sub) for s, sub in rows if sub and sub.is_submitted]) for position, rows in columns
            ]
    students = [s for _, rows in columns for s, _ in rows] + [
        a.student for _, members, _ in group_rows for a in members
    ]
    aliases = {}
    if assignment.anonymous_peers and not teaches:
        aliases = selectors.anonymise(request.user, assignment, [student.pk for student in students])

    def shown(student):
        return aliases.get(student.pk) or student.get_full_name() or student.username

    # Each card is made from the name to show, so the template never reads a name it must not.
    locale = board_cards.reader_locale()
    columns = [
        (position, [board_cards.Card.of(shown(s), sub, teaches=teaches, words=40, **locale) for s, sub in rows])
        for position, rows in columns
    ]
    group_cards = [
        board_cards.Card.of(
            str(g),
            sub,
            teaches=teaches,
            words=60,
            members=tuple((shown(a.student), a.position.label) for a in members),
            **locale,
        )
        for g, members, sub in group_rows
    ]
    html = iter(board_cards.rendered([card for _, cards in columns for card in cards] + group_cards))
    return render(
        request,
        "classroom/assignment_board.html",
        {
            "assignment": assignment,
            "teaches": teaches,
            "phase": phase,
            "phase_label": Phase(phase).label,
            "phase_links": [(p, Phase(p).label) for p in assignment.phases],
            "columns": [(position, [next(html) for _ in cards]) for position, cards in columns],
            "group_cards": list(html),
            "anonymous": bool(aliases),
        },
    )


def _csv_response(filename):
    """A CSV download that Excel opens right: UTF-8 with a byte-order mark (without one,
    Excel on Windows reads "Zoë" as "ZoÃ«"), CRLF line ends."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, csv.writer(response)


def _minute(moment):
    """A time to the minute in the reader's (the instructor's) zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@require_safe
@login_required
def assignment_grades_csv(request, pk):
    """One row per student and phase: every enrolled student, with a side or not, and the
    students removed from the course who had work in the assignment (`enrolled`: removed).
    With a rubric, after the grade a column per criterion: the points of the level chosen."""
    assignment = get_assignment(request.user, pk, teaching=True)
    criteria, chosen = selectors.rubric_scores(assignment)
    response, writer = _csv_response(f"grades-assignment-{assignment.pk}.csv")
    writer.writerow(
        [
            "username",
            "name",
            "email",
            "enrolled",
            "phase",
            "side",
            "status",
            "evidence",
            "words",
            "submitted_at",
            "time_zone",
            "grade",
            *[_csv_safe(f"rubric: {c.title} (of {rubrics.points(c.best or 0)})") for c in criteria],
            "returned",
            "feedback",
        ]
    )
    zone = timezone.get_current_timezone_name()
    for row in selectors.grade_rows(assignment):
        submission, feedback = row.submission, row.feedback
        writer.writerow(
            [
                _csv_safe(row.student.username),
                _csv_safe(row.student.get_full_name()),
                _csv_safe(row.student.email),
                "yes" if row.enrolled else "removed",
                row.phase,
                _csv_safe(row.side),
                row.status,
                submission.citation_count if submission else 0,
                submission.word_count if submission else 0,
                _minute(submission.submitted_at if submission else None),
                zone,
                _csv_safe(feedback.grade) if feedback else "",
                *[_criterion_points(chosen, feedback, criterion) for criterion in criteria],
                "yes" if feedback and feedback.is_returned else "no",
                _csv_safe(feedback.comment) if feedback else "",
            ]
        )
    return response


@require_safe
@login_required
def course_gradebook_csv(request, pk):
    """The layout gradebooks import: one row per student, one column per assignment (per
    phase in a controversy), the grade in each cell; removed students flagged."""
    course = get_course(request.user, pk, teaching=True)
    columns, rows = selectors.gradebook(course)
    response, writer = _csv_response(f"gradebook-course-{course.pk}.csv")
    writer.writerow(["username", "name", "email", "enrolled", *[_csv_safe(title) for title in columns]])
    for student, enrolled, grades in rows:
        writer.writerow(
            [
                _csv_safe(student.username),
                _csv_safe(student.get_full_name()),
                _csv_safe(student.email),
                "yes" if enrolled else "removed",
                *[_csv_safe(grade) for grade in grades],
            ]
        )
    return response


def _criterion_points(chosen, feedback, criterion):
    level = chosen.get(feedback.pk, {}).get(criterion.pk) if feedback else None
    return rubrics.points(level.points) if level else ""


def _csv_safe(text):
    """Spreadsheets run cells starting with = + - @ as formulas; quote them out."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
