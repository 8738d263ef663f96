"""Courses, assignments, sides, submissions, citations and feedback: the classroom's core."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse

from historiography.models import Argument, Position, Question
from historiography.validators import validate_plausible_datetime


def new_join_code():
    """Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L)."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


def teaches_course(user, course_field="course_id"):
    """The condition "`user` is one of the instructors of the course that `course_field`
    of the outer query names", as an EXISTS (to filter on, or to ask beside the row)."""
    return Exists(Course.instructors.through.objects.filter(course_id=OuterRef(course_field), user_id=user.pk))


def _is_member(user, course_field):
    """The condition "`user` teaches or is enrolled in the course `course_field` names",
    as two EXISTS: joining the instructors and the enrolments repeats each row once per member,
    and the DISTINCT that undoes it costs more than the query (it sorts the rows on every
    column; planning alone took a millisecond)."""
    enrolled = Enrollment.objects.filter(course_id=OuterRef(course_field), student_id=user.pk)
    return teaches_course(user, course_field) | Exists(enrolled)


class CourseQuerySet(models.QuerySet):
    def for_user(self, user):
        """Courses the user teaches or is enrolled in."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(_is_member(user, "pk"))

    def taught_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(instructors=user)


class Course(models.Model):
    title = models.CharField(max_length=200)
    join_code = models.CharField(max_length=12, unique=True, default=new_join_code)
    joining_open = models.BooleanField(default=True, help_text="Students can join with the code.")
    instructors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="taught_courses")
    created = models.DateTimeField(auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        db_table = "historiography_course"
        ordering = ["-created", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("classroom:course-detail", args=[self.pk])


class Enrollment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    joined = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "historiography_enrollment"
        ordering = ["student__last_name", "student__first_name", "student__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "student"],
                name="enrollment_unique",
                violation_error_message="This student is already in the course.",
            )
        ]

    def __str__(self):
        return f"{self.student} in {self.course}"


class Profile(models.Model):
    """What the classroom keeps about a user beyond Django's account: their time zone,
    detected from the browser or chosen, so it outlives the session. Created on first use."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classroom_profile")
    timezone = models.CharField(max_length=64, blank=True, help_text="An IANA zone name; empty: not known yet.")

    class Meta:
        ordering = ["user"]

    def __str__(self):
        return f"{self.user}: {self.timezone or 'no time zone'}"


class Allocation(models.TextChoices):
    BY_HAND = "by_hand", "By hand"
    BALANCED = "balanced", "Balanced at random"
    STUDENT_CHOICE = "student_choice", "Students choose"


class AssignmentMode(models.TextChoices):
    DEBATE = "debate", "Debate: each student argues one side"
    CONTROVERSY = "controversy", "Structured Academic Controversy: argue, swap sides, then write a consensus"


class Phase(models.IntegerChoices):
    """The phases of a Structured Academic Controversy; a plain debate has only the first."""

    ARGUE = 1, "Argue your side"
    SWAP = 2, "Swap: argue the other side"
    CONSENSUS = 3, "Consensus"


class PeerVisibility(models.TextChoices):
    INSTRUCTORS = "instructors", "Only the instructors"
    AFTER_SUBMITTING = "after_submitting", "Classmates, once they have submitted their own"
    AFTER_DEADLINE = "after_deadline", "Classmates, after the deadline"


class AssignmentQuerySet(models.QuerySet):
    def for_user(self, user):
        """Assignments of the courses the user teaches or is enrolled in."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(_is_member(user, "course_id"))

    def taught_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(course__instructors=user)

    def with_context(self):
        return self.select_related("course", "question__topic").prefetch_related(
            Prefetch("positions", queryset=Position.objects.order_by("order", "label"))
        )


class Assignment(models.Model):
    """A debate set for a course: a question, the sides in play, a deadline."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assignments")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="assignments")
    positions = models.ManyToManyField(Position, related_name="assignments", help_text="The sides in play.")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    evidence_minimum = models.PositiveSmallIntegerField(default=3, help_text="Cited arguments needed to submit.")
    opens_at = models.DateTimeField(validators=[validate_plausible_datetime])
    due_at = models.DateTimeField(validators=[validate_plausible_datetime])
    accept_late = models.BooleanField(default=False, help_text="Accept submissions after the deadline, marked late.")
    allocation = models.CharField(max_length=20, choices=Allocation.choices, default=Allocation.BALANCED)
    side_cap = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="When students choose: the most students on one side (empty: no cap)."
    )
    mode = models.CharField(max_length=20, choices=AssignmentMode.choices, default=AssignmentMode.DEBATE)
    swap_due_at = models.DateTimeField(
        null=True,
        blank=True,
        validators=[validate_plausible_datetime],
        help_text="Controversy only: the deadline of phase 2, arguing the other side.",
    )
    consensus_due_at = models.DateTimeField(
        null=True,
        blank=True,
        validators=[validate_plausible_datetime],
        help_text="Controversy only: the deadline of phase 3, the joint consensus.",
    )
    peer_visibility = models.CharField(
        max_length=20,
        choices=PeerVisibility.choices,
        default=PeerVisibility.INSTRUCTORS,
        help_text="Who reads the submitted cases on the class board. Drafts are never shown to classmates.",
    )
    anonymous_peers = models.BooleanField(
        default=False, help_text="Classmates see each other as “Classmate 1, 2…”; instructors always see names."
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        db_table = "historiography_assignment"
        ordering = ["due_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("due_at")),
                name="assignment_opens_before_due",
                violation_error_message="The deadline must come after the opening time.",
            ),
            models.CheckConstraint(
                condition=Q(side_cap__isnull=True) | Q(side_cap__gte=1),
                name="assignment_side_cap_positive",
                violation_error_message="A cap on a side must be at least 1 student.",
            ),
            models.CheckConstraint(
                condition=Q(mode=AssignmentMode.DEBATE)
                | Q(swap_due_at__gt=models.F("due_at"), consensus_due_at__gt=models.F("swap_due_at")),
                name="assignment_controversy_phases_ordered",
                violation_error_message="In a controversy each phase must end after the one before it.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("classroom:assignment-detail", args=[self.pk])

    @property
    def is_controversy(self):
        return self.mode == AssignmentMode.CONTROVERSY

    @property
    def phases(self):
        return list(Phase) if self.is_controversy else [Phase.ARGUE]

    def phase_window(self, phase):
        """(opens, due) of a phase: each phase opens when the one before it is due."""
        if phase == Phase.SWAP:
            return self.due_at, self.swap_due_at
        if phase == Phase.CONSENSUS:
            return self.swap_due_at, self.consensus_due_at
        return self.opens_at, self.due_at

    def current_phase(self, now):
        """The phase whose deadline comes next (the last one once all have passed)."""
        for phase in self.phases:
            if now <= self.phase_window(phase)[1]:
                return phase
        return self.phases[-1]

    def is_open(self, now, phase=Phase.ARGUE):
        return self.phase_window(phase)[0] <= now

    def is_past_due(self, now, phase=Phase.ARGUE):
        return now > self.phase_window(phase)[1]

    def accepts_work(self, now, phase=Phase.ARGUE) -> bool:
        """Whether work on `phase` can be written now: the phase has opened, and its
        deadline has not passed or late work is accepted."""
        return self.is_open(now, phase) and (not self.is_past_due(now, phase) or self.accept_late)

    @property
    def lets_students_choose(self) -> bool:
        return self.allocation == Allocation.STUDENT_CHOICE

    def side_choice_refusal(self, now, *, has_submitted: bool) -> str | None:
        """Why a student may not choose (or change) their side now, or None when they may.
        `has_submitted`: they have submitted a case, which fixes their side."""
        if not self.lets_students_choose:
            return "Your instructor allocates the sides in this assignment."
        if self.is_past_due(now):
            return "The deadline has passed: sides can no longer be changed."
        if has_submitted:
            return "You have already submitted, so your side is fixed."
        return None

    @property
    def final_due_at(self):
        return self.phase_window(self.phases[-1])[1]


class DebateGroup(models.Model):
    """A pair or group of students who write one consensus together (phase 3 of a
    Structured Academic Controversy). Members are the side allocations that point here."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveSmallIntegerField()

    class Meta:
        db_table = "historiography_debategroup"
        ordering = ["assignment", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "number"],
                name="group_number_unique_per_assignment",
                violation_error_message="This assignment already has a group with that number.",
            )
        ]

    def __str__(self):
        return f"Group {self.number}"


class SideAllocation(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="allocations")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="side_allocations")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="allocations")
    group = models.ForeignKey(DebateGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="allocations")

    class Meta:
        db_table = "historiography_sideallocation"
        ordering = ["position__order", "student__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"],
                name="allocation_one_side_per_student",
                violation_error_message="This student already has a side in this assignment.",
            )
        ]

    def __str__(self):
        return f"{self.student} argues {self.position.label}"


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class SubmissionQuerySet(models.QuerySet):
    def with_citation_count(self):
        """Each submission with `citation_count`, which `Submission.progress` reads."""
        return self.annotate(citation_count=models.Count("citations"))

    def for_board(self):
        return self.select_related("student", "position", "feedback").prefetch_related("citations")

    def for_phase(self, phase):
        return self.filter(phase=phase)

    def of_student(self, student):
        """The student's own cases and their groups' consensus submissions (each once:
        the group join matches only the student's own membership row)."""
        return self.filter(Q(student=student, group__isnull=True) | Q(group__allocations__student=student))


class Submission(models.Model):
    """A student's case for their side in one phase, or in phase 3 of a controversy a
    group's joint consensus (`group` set, no side; `student` is whoever started it).
    `version` grows with every save, so a save from a stale tab, or from a partner
    editing the same consensus, is detected instead of silently overwriting newer text."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions")
    phase = models.PositiveSmallIntegerField(choices=Phase.choices, default=Phase.ARGUE)
    position = models.ForeignKey(Position, on_delete=models.PROTECT, null=True, blank=True, related_name="submissions")
    group = models.ForeignKey(DebateGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="submissions")
    statement = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT)
    is_late = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        db_table = "historiography_submission"
        ordering = ["phase", "position__order", "student__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student", "phase"],
                name="submission_one_per_student_phase",
                violation_error_message="This student already has a submission for this phase.",
            ),
            models.UniqueConstraint(
                fields=["assignment", "group", "phase"],
                condition=Q(group__isnull=False),
                name="submission_one_per_group_phase",
                violation_error_message="This group already has a consensus for this phase.",
            ),
            models.CheckConstraint(
                condition=Q(phase=Phase.CONSENSUS, group__isnull=False, position__isnull=True)
                | Q(phase__in=[Phase.ARGUE, Phase.SWAP], group__isnull=True, position__isnull=False),
                name="submission_side_or_group",
                violation_error_message="A case has a side and no group; a consensus has a group and no side.",
            ),
        ]

    def __str__(self):
        if self.group_id:
            return f"{self.group} — {self.assignment}: consensus"
        return f"{self.student} — {self.assignment}" + (f" (phase {self.phase})" if self.phase != Phase.ARGUE else "")

    def get_absolute_url(self):
        return reverse("classroom:submission-detail", args=[self.pk])

    @property
    def is_consensus(self):
        return self.phase == Phase.CONSENSUS

    @property
    def word_count(self):
        return len(self.statement.split())

    @property
    def is_submitted(self):
        return self.status == SubmissionStatus.SUBMITTED

    def edit_refusal(self, now) -> str | None:
        """Why this submission cannot be changed now, or None when it can: the one rule
        that the services enforce and the editor and assignment pages show."""
        assignment, phase = self.assignment, self.phase
        if self.is_submitted:
            return "This submission has been submitted and can no longer be changed."
        if not assignment.is_open(now, phase):
            return "This assignment is not open yet." if phase == Phase.ARGUE else f"Phase {phase} has not started yet."
        if not assignment.accepts_work(now, phase):
            return "The deadline has passed: this submission is read-only."
        return None

    def is_editable(self, now) -> bool:
        return self.edit_refusal(now) is None

    @property
    def progress(self) -> str:
        """not started / draft / submitted / late, for the board, the per-student page and
        the CSV. Needs `citation_count` (`Submission.objects.with_citation_count()`)."""
        if self.is_submitted:
            return "late" if self.is_late else "submitted"
        return "draft" if self.statement or self.citation_count else "not started"


class Citation(models.Model):
    """An argument a submission cites, with the student's own comment on it."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="citations")
    argument = models.ForeignKey(Argument, on_delete=models.PROTECT, related_name="citations")
    comment = models.TextField(blank=True, help_text="How this supports your side, or how you answer it.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "historiography_citation"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "argument"],
                name="citation_unique_per_submission",
                violation_error_message="That argument is already in this submission's evidence.",
            )
        ]

    def __str__(self):
        return f"{self.submission} cites {self.argument.slug}"


class Feedback(models.Model):
    """An instructor's comment and grade; students see it once returned."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    comment = models.TextField(blank=True)
    grade = models.CharField(max_length=20, blank=True, help_text="e.g. 'B+' or '72'.")
    returned_at = models.DateTimeField(null=True, blank=True, help_text="Empty while held.")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "historiography_feedback"
        ordering = ["submission"]

    def __str__(self):
        return f"Feedback on {self.submission}"

    @property
    def is_returned(self):
        return self.returned_at is not None
