"""Writes that touch several models, each in one transaction. Names are
`<entity>_<action>`, arguments keyword-only; a rule broken raises ServiceError with a
message fit to show the user, and nothing is written."""

from __future__ import annotations

from django.db import DatabaseError, transaction

from . import importing


class ServiceError(Exception):
    """A rule was broken; the message says which, in words for the user."""


# --- Importing scholarship -----------------------------------------------------------


class ScholarshipImportError(ServiceError):
    """The files have problems; `problems` lists them all, and nothing was written."""

    def __init__(self, problems: list[importing.Problem]):
        self.problems = problems
        super().__init__(importing.format_problems(problems))


@transaction.atomic
def scholarship_import(
    *, files: list | tuple = (), data: dict | None = None, dry_run: bool = False
) -> importing.ImportSummary:
    """Import scholarship in the fixture format (`fixtures/stalinism.json`) from `files`,
    or from `data` (a name -> JSON text or parsed list, for callers without a file).

    Every object is checked before anything is written (`importing.plan_import`); on any
    problem ScholarshipImportError lists them all and nothing is written. Objects are
    matched by natural key, so importing again updates instead of duplicating, and
    fields a file leaves out keep their values. `dry_run` checks only."""
    texts, problems = importing.read_files(files)
    plan = importing.plan_import({**texts, **(data or {})})
    problems += plan.problems
    if problems:
        raise ScholarshipImportError(problems)
    if dry_run:
        return plan.summary(written=False)
    for entry in plan.entries:  # in dependency order: what an object refers to is saved first
        if entry.exists and not entry.changed:
            continue
        try:
            entry.instance.save()
            for name, targets in entry.m2m.items():
                getattr(entry.instance, name).set(targets)
        except DatabaseError as error:
            # A rule only the database knew: raising rolls the whole import back.
            problem = importing.Problem(
                entry.file, f"refused by the database: {str(error).splitlines()[0]}", entry.where
            )
            raise ScholarshipImportError([problem]) from error
    return plan.summary(written=True)
