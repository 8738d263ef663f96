"""In-process side of the benchmark, run by bench/run.py with the server's environment.

Picks the pages to measure from the synthetic data, logs the instructor in (a session in
the database, whose cookie wrk sends), and counts the SQL queries of each page with the
test client against the same database: uncached, and on a second anonymous request with
the page cache on. Prints one JSON object.

`probe.py pages` only prints the pages (and a few more for a mix); `probe.py writers N`
instead picks N synthetic students with a draft they may still save (an open debate, a side
allocated, not submitted) for bench/loadtest.py; `probe.py saved
JSON` reads back their submissions (statement and version).
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from historiography.cache import invalidate_public_pages  # noqa: E402
from historiography.classroom.models import (  # noqa: E402
    Assignment,
    AssignmentMode,
    Phase,
    SideAllocation,
    Submission,
    SubmissionStatus,
)
from historiography.models import Argument, Historian, Question, School, Status  # noqa: E402

HOST = "127.0.0.1"


def pick_pages():
    """The pages of the issue, on typical synthetic content."""
    question = (
        Question.objects.published()
        .annotate(arguments=Count("positions__arguments", filter=Q(positions__arguments__status=Status.PUBLISHED)))
        .order_by("topic__title", "order")
        .first()
    )
    schools = list(School.objects.annotate(people=Count("historians")).order_by("-people", "slug")[:2])
    decade = 1990
    assignment = (
        Assignment.objects.annotate(submitted=Count("submissions"))
        .filter(submitted__gt=0)
        .order_by("-submitted", "pk")
        .first()
    )
    now = timezone.now()
    allocation = (
        SideAllocation.objects.filter(assignment__opens_at__lte=now, assignment__due_at__gt=now)
        .select_related("student", "assignment")
        .order_by("assignment_id", "student_id")
        .first()
    )
    historian = (
        Historian.objects.annotate(argued=Count("arguments", filter=Q(arguments__status=Status.PUBLISHED)))
        .order_by("-argued", "pk")
        .first()
    )
    pages = {
        "home": "/",
        "question": question.get_absolute_url(),
        "schools matrix": f"/compare/schools/?school={schools[0].slug}&school={schools[1].slug}",
        "argument list, filtered": f"/arguments/?school={schools[0].slug}&decade={decade}",
        "search": "/search/?q=grain+procurement",
        "historian": historian.get_absolute_url(),
        "student's assignment page": f"/assignments/{allocation.assignment_id}/",
        "instructor's board": f"/assignments/{assignment.pk}/board/",
        "API list": "/api/arguments/",
        "minimal view": "/bench/minimal/",
    }
    facts = {
        "arguments": Argument.objects.count(),
        "published arguments": Argument.objects.published().count(),
        "question arguments": question.arguments,
        "board submissions": assignment.submitted,
        "historian arguments": historian.argued,
    }
    return pages, assignment, allocation.student, facts


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries)


# The pages only a logged-in user sees, and whose session each is read with.
PER_USER = {"instructor's board": "instructor", "student's assignment page": "student"}


def main():
    pages, assignment, student, facts = pick_pages()
    instructor = assignment.course.instructors.order_by("pk").first()
    teacher, pupil = Client(SERVER_NAME=HOST), Client(SERVER_NAME=HOST)
    teacher.force_login(instructor)
    pupil.force_login(student)
    users = {"instructor": teacher, "student": pupil}
    queries, cached_queries, logged_in_queries = {}, {}, {}
    for name, url in pages.items():
        client = users[PER_USER[name]] if name in PER_USER else Client(SERVER_NAME=HOST)
        with override_settings(PAGE_CACHE_SECONDS=0):
            queries[name] = count_queries(client, url)
        with override_settings(PAGE_CACHE_SECONDS=600):
            count_queries(client, url)
            cached_queries[name] = count_queries(client, url)
            client = users[PER_USER.get(name, "student")]
            count_queries(client, url)
            logged_in_queries[name] = count_queries(client, url)
    invalidate_public_pages()  # start the server's cached run from an empty page cache
    print(
        json.dumps(
            {
                "pages": pages,
                "facts": facts,
                "board_cookie": f"{teacher.cookies['sessionid'].key}={teacher.cookies['sessionid'].value}",
                "student_cookie": f"{pupil.cookies['sessionid'].key}={pupil.cookies['sessionid'].value}",
                "per_user": PER_USER,
                "instructor": instructor.username,
                "student": student.username,
                "queries": queries,
                "cached_queries": cached_queries,
                "logged_in_queries": logged_in_queries,
                "users": User.objects.count(),
            }
        )
    )


def writers(count):
    now = timezone.now()
    submitted = Submission.objects.filter(status=SubmissionStatus.SUBMITTED).values("assignment_id", "student_id")
    allocations = (
        SideAllocation.objects.filter(
            assignment__mode=AssignmentMode.DEBATE, assignment__opens_at__lte=now, assignment__due_at__gt=now
        )
        .select_related("student", "assignment")
        .order_by("assignment_id", "student_id")
    )
    done = {(row["assignment_id"], row["student_id"]) for row in submitted}
    picked, students = [], set()
    for allocation in allocations.iterator():
        if (allocation.assignment_id, allocation.student_id) in done or allocation.student_id in students:
            continue
        students.add(allocation.student_id)
        picked.append(
            {
                "username": allocation.student.username,
                "assignment": allocation.assignment_id,
                "editor": f"/assignments/{allocation.assignment_id}/submission/",
            }
        )
        if len(picked) == count:
            break
    print(json.dumps(picked))


def saved(writers_json):
    rows = []
    for writer in json.loads(writers_json):
        submission = Submission.objects.filter(
            assignment_id=writer["assignment"], student__username=writer["username"], phase=Phase.ARGUE
        ).first()
        rows.append(
            {
                **writer,
                "statement": submission.statement if submission else None,
                "version": submission.version if submission else None,
            }
        )
    print(json.dumps(rows))


if __name__ == "__main__":
    if sys.argv[1:2] == ["pages"]:
        pages, assignment, _student, facts = pick_pages()
        argument = Argument.objects.published().order_by("pk").select_related("historian", "work").first()
        pages.update(
            {
                "argument": argument.get_absolute_url(),
                "historian": argument.historian.get_absolute_url(),
                "work": argument.work.get_absolute_url() if argument.work else "/",
                "topic": Question.objects.published().select_related("topic").first().topic.get_absolute_url(),
                "timeline": "/timeline/",
                "question by school": pages["question"] + "?group=school",
            }
        )
        print(json.dumps(pages))
    elif sys.argv[1:2] == ["writers"]:
        writers(int(sys.argv[2]))
    elif sys.argv[1:2] == ["saved"]:
        saved(sys.argv[2])
    else:
        main()
