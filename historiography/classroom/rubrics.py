"""A rubric's arithmetic and its plain-text form. The instructor writes a rubric as lines
of text, one criterion a line, which works in any browser and copies from a syllabus:

    Evidence: Strong = 4 | Adequate = 2 | Missing = 0
    Argument: Convincing = 4 | Partial = 2 | Weak = 1

A grade is the sum of the chosen levels' points out of the sum of each criterion's best."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MAX_CRITERIA = 20
MAX_LEVELS = 10
MAX_POINTS = Decimal("1000")


class RubricTextError(ValueError):
    pass


@dataclass
class CriterionSpec:
    title: str
    levels: list[tuple[str, Decimal]]


def parse(text: str) -> list[CriterionSpec]:
    """The criteria a rubric's text describes; RubricTextError names the line at fault."""
    criteria = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        title, colon, rest = line.partition(":")
        title = title.strip()
        if not colon or not title:
            raise RubricTextError(f"Line {number}: start with the criterion and a colon, e.g. “Evidence: Strong = 4”.")
        if len(title) > 200:
            raise RubricTextError(f"Line {number}: the criterion's name is longer than 200 characters.")
        levels = []
        for part in rest.split("|"):
            name, equals, points = part.strip().rpartition("=")
            name = name.strip()
            if not equals or not name:
                raise RubricTextError(f"Line {number}: write each level as “name = points”, levels separated by “|”.")
            try:
                value = Decimal(points.strip())
            except InvalidOperation:
                raise RubricTextError(f"Line {number}: “{points.strip()}” is not a number of points.") from None
            if (
                not value.is_finite()
                or not Decimal(0) <= value <= MAX_POINTS
                or value != value.quantize(Decimal("0.01"))
            ):
                raise RubricTextError(f"Line {number}: points run from 0 to 1000, with at most two decimals.")
            if len(name) > 200:
                raise RubricTextError(f"Line {number}: a level's name is longer than 200 characters.")
            if any(name.lower() == other.lower() for other, _ in levels):
                raise RubricTextError(f"Line {number}: two levels are called “{name}”.")
            levels.append((name, value))
        if len(levels) > MAX_LEVELS:
            raise RubricTextError(f"Line {number}: at most {MAX_LEVELS} levels a criterion.")
        if any(title.lower() == other.title.lower() for other in criteria):
            raise RubricTextError(f"Line {number}: two criteria are called “{title}”.")
        criteria.append(CriterionSpec(title, levels))
    if len(criteria) > MAX_CRITERIA:
        raise RubricTextError(f"At most {MAX_CRITERIA} criteria.")
    return criteria


def as_text(criteria) -> str:
    """The text form of saved criteria (with their levels prefetched), for editing."""
    return "\n".join(
        f"{criterion.title}: "
        + " | ".join(f"{level.title} = {points(level.points)}" for level in criterion.levels.all())
        for criterion in criteria
    )


def points(value: Decimal) -> str:
    """4.00 → "4", 2.50 → "2.5", 10 → "10"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def maximum(criteria) -> Decimal:
    """The best grade: each criterion's highest level, added up."""
    return sum(
        (max((level.points for level in criterion.levels.all()), default=Decimal(0)) for criterion in criteria),
        Decimal(0),
    )


def total(levels) -> Decimal:
    """The grade the chosen levels add up to."""
    return sum((level.points for level in levels), Decimal(0))


def grade(levels, criteria) -> str:
    """The grade as "total/maximum", e.g. "7/8"."""
    return f"{points(total(levels))}/{points(maximum(criteria))}"
