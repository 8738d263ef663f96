"""Forms for the classroom and accounts. Rules that span models are checked again in
services.py; the forms give the user the first, clear message."""

import zoneinfo
from datetime import timedelta

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from historiography.models import Position, Question

from . import rubrics
from .models import Allocation, Assignment, AssignmentMode, Course, NotificationKind
from .services import ServiceError, course_by_code


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["title", "joining_open"]


class JoinForm(forms.Form):
    code = forms.CharField(label="Join code", max_length=20, help_text="Eight letters and digits from your instructor.")

    def clean_code(self):
        try:
            self.course = course_by_code(self.cleaned_data["code"])
        except ServiceError as error:
            raise forms.ValidationError(str(error)) from error
        return self.cleaned_data["code"]


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Optional: lets you reset a forgotten password.")
    code = JoinForm.base_fields["code"]

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    clean_code = JoinForm.clean_code


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class QuestionChoiceForm(forms.Form):
    """Step 1 of an assignment: the question, from a list grouped by topic. Its positions
    are offered in step 2 (works without JavaScript: a GET to the same page)."""

    question = forms.TypedChoiceField(
        coerce=int, label="Question", help_text="Next you choose the sides: the positions of this question."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        questions = Question.objects.published().select_related("topic").order_by("topic__title", "order", "title")
        self.questions = {question.pk: question for question in questions}
        groups = {}
        for question in self.questions.values():
            groups.setdefault(question.topic.title, []).append((question.pk, question.title))
        self.fields["question"].choices = [("", "Choose a question"), *groups.items()]

    def clean_question(self):
        return self.questions[self.cleaned_data["question"]]


class DateTimeField(forms.DateTimeField):
    """Shows a stored time in the user's zone, or as stored (UTC) where that zone's clock
    would pass the year 9999: a deadline saved before dates were bounded stays editable."""

    def prepare_value(self, value):
        try:
            return super().prepare_value(value)
        except OverflowError:
            return value


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id too large for a database integer as no choice: Django checks each id
    alone (which copes) and then all together with `pk__in`, which SQLite could not take
    (an OverflowError, a 500)."""

    def _check_values(self, value):
        for pk in value:
            if str(pk).strip().isdigit() and int(str(pk).strip()) >= 2**63:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


DATE_FIELDS = ["opens_at", "due_at", "swap_due_at", "consensus_due_at"]
DEADLINE_FIELDS = ["due_at", "swap_due_at", "consensus_due_at"]
# Dates an assignment can sensibly have: a typo of a year (2062, 9999) is refused.
YEARS_BACK, YEARS_AHEAD = 1, 10


class AssignmentForm(forms.ModelForm):
    """Step 2: the question is chosen (a hidden field); its positions are the sides that
    can be in play, and only they are offered or accepted. A date set or changed must lie
    within a year back and ten ahead; a deadline set in the past needs `confirm_past`, a
    box that shows with the error."""

    confirm_past = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label="Yes, the deadline is in the past: students see the assignment as overdue at once.",
    )

    class Meta:
        model = Assignment
        field_classes = {
            **{name: DateTimeField for name in ["opens_at", "due_at", "swap_due_at", "consensus_due_at"]},
            "positions": ModelMultipleChoiceField,
        }
        fields = [
            "title",
            "question",
            "positions",
            "instructions",
            "mode",
            "evidence_minimum",
            "opens_at",
            "due_at",
            "swap_due_at",
            "consensus_due_at",
            "accept_late",
            "allocation",
            "side_cap",
            "peer_visibility",
            "anonymous_peers",
        ]
        widgets = {
            "mode": forms.RadioSelect,
            "peer_visibility": forms.RadioSelect,
            "opens_at": DateTimeInput(),
            "due_at": DateTimeInput(),
            "swap_due_at": DateTimeInput(),
            "consensus_due_at": DateTimeInput(),
            "positions": forms.CheckboxSelectMultiple,
            "instructions": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {"due_at": "Due", "swap_due_at": "Swap phase due", "consensus_due_at": "Consensus phase due"}
        help_texts = {
            "opens_at": "In your time zone.",
            "due_at": "In your time zone. In a controversy: the end of phase 1, when students swap sides.",
            "swap_due_at": (
                "Controversy only, in your time zone: the end of phase 2, when groups start their consensus."
            ),
            "consensus_due_at": "Controversy only, in your time zone: the end of phase 3.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = Question.objects.published().select_related("topic")
        self.fields["question"].widget = forms.HiddenInput()
        self.fields["positions"].queryset = (
            Position.objects.published().filter(question_id=self.question_id() or 0).order_by("order", "label")
        )
        self.fields["positions"].help_text = "Tick at least two positions of the question."
        self.fields["positions"].error_messages["invalid_choice"] = "Tick only positions of the chosen question."
        self.fields["positions"].error_messages["invalid_pk_value"] = "Tick only positions of the chosen question."
        order = list(self.fields)
        order.remove("confirm_past")
        order.insert(order.index("consensus_due_at") + 1, "confirm_past")
        self.order_fields(order)

    def _check_dates(self, cleaned, now):
        """Changed dates within the sensible range; new past deadlines confirmed."""
        earliest, latest = now - timedelta(days=365 * YEARS_BACK), now + timedelta(days=365 * YEARS_AHEAD)
        past = []
        for name in DATE_FIELDS:
            value = cleaned.get(name)
            old = getattr(self.instance, name) if self.instance.pk else None
            if value is None or (old is not None and abs(value - old) < timedelta(minutes=1)):
                continue  # unchanged (the form shows minutes; the database keeps seconds)
            if not 1900 <= value.year <= 2999:
                continue  # the model's own validator says so (historiography.validators)
            if not earliest <= value <= latest:
                self.add_error(
                    name, f"Choose a date between {earliest.year} and {latest.year}: {value.year} looks like a slip."
                )
            elif name in DEADLINE_FIELDS and value < now:
                past.append(name)
        if past and not cleaned.get("confirm_past"):
            for name in past:
                self.add_error(name, "This deadline is in the past. Tick the box below the dates if you mean it.")
            self.fields["confirm_past"].widget = forms.CheckboxInput()

    def question_id(self):
        """The chosen question's id, from the form's data, else its initial value or instance."""
        value = self.data.get(self.add_prefix("question")) if self.is_bound else None
        if value is None:
            value = self.initial.get("question") or self.instance.question_id
        value = getattr(value, "pk", value)
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

    def chosen_question(self):
        """The chosen question (with its topic) if it is published, else None."""
        return self.fields["question"].queryset.filter(pk=self.question_id() or 0).first()

    def clean(self):
        cleaned = super().clean()
        self._check_dates(cleaned, timezone.now())
        question, positions = cleaned.get("question"), cleaned.get("positions")
        if question and positions is not None:
            if any(position.question_id != question.pk for position in positions):
                self.add_error("positions", "Tick only positions of the chosen question.")
            elif len(positions) < 2:
                self.add_error("positions", "A debate needs at least two sides.")
        opens_at, due_at = cleaned.get("opens_at"), cleaned.get("due_at")
        if opens_at and due_at and opens_at >= due_at:
            self.add_error("due_at", "The deadline must come after the opening time.")
        if cleaned.get("mode") == AssignmentMode.CONTROVERSY:
            swap_due_at, consensus_due_at = cleaned.get("swap_due_at"), cleaned.get("consensus_due_at")
            if not swap_due_at:
                self.add_error("swap_due_at", "A controversy needs a deadline for the swap phase.")
            elif due_at and swap_due_at <= due_at:
                self.add_error("swap_due_at", "The swap phase must end after phase 1 is due.")
            if not consensus_due_at:
                self.add_error("consensus_due_at", "A controversy needs a deadline for the consensus phase.")
            elif swap_due_at and consensus_due_at <= swap_due_at:
                self.add_error("consensus_due_at", "The consensus phase must end after the swap phase.")
        else:
            # A plain debate has one phase: later deadlines would only confuse.
            cleaned["swap_due_at"] = cleaned["consensus_due_at"] = None
        if cleaned.get("allocation") != Allocation.STUDENT_CHOICE and cleaned.get("side_cap"):
            self.add_error("side_cap", "A cap applies only when students choose their side.")
        return cleaned


class SubmissionForm(forms.Form):
    """The statement plus, per cited argument, the student's comment and a remove box."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    statement = forms.CharField(
        label="Opening statement", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 10})
    )

    def __init__(self, *args, citations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.citations = list(citations)
        for citation in self.citations:
            self.fields[f"comment_{citation.pk}"] = forms.CharField(
                label=f"Your comment on {citation.argument.historian.name}",
                required=False,
                max_length=5000,
                initial=citation.comment,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"remove_{citation.pk}"] = forms.BooleanField(label="Remove from my evidence", required=False)

    def citation_rows(self):
        return [
            (citation, self[f"comment_{citation.pk}"], self[f"remove_{citation.pk}"]) for citation in self.citations
        ]

    def comments(self):
        return {c.pk: self.cleaned_data[f"comment_{c.pk}"] for c in self.citations}

    def removed(self):
        return {c.pk for c in self.citations if self.cleaned_data[f"remove_{c.pk}"]}


class GroupSizeForm(forms.Form):
    size = forms.IntegerField(
        label="Students per group",
        min_value=2,
        max_value=6,
        initial=2,
        help_text="2 for pairs; 4 for two pairs. Every group mixes the sides when there are enough students on each.",
    )


class FeedbackForm(forms.Form):
    comment = forms.CharField(required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))
    grade = forms.CharField(required=False, max_length=20)
    release = forms.BooleanField(required=False, label="Return to the student now (otherwise held)")


class TimezoneForm(forms.Form):
    timezone = forms.ChoiceField(choices=[(name, name) for name in sorted(zoneinfo.available_timezones())])


class InstructorSignUpForm(UserCreationForm):
    """“I teach”: the account (inactive until approved) and what staff need to approve it."""

    name = forms.CharField(max_length=200, label="Your name")
    email = forms.EmailField(label="E-mail", help_text="Your institution's address: we send a link to confirm it.")
    institution = forms.CharField(max_length=200, help_text="The school, college or university you teach at.")
    course = forms.CharField(max_length=200, label="Course", help_text="The course you mean to teach with the site.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username"]
        field_classes = UserCreationForm.Meta.field_classes

    field_order = ["name", "email", "institution", "course", "username", "password1", "password2"]


class NotificationSettingsForm(forms.Form):
    """Two boxes per kind of notification: on the site, by e-mail."""

    def __init__(self, *args, kinds, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            on_site, by_email = current.get(kind, (True, True))
            self.fields[f"{kind}-site"] = forms.BooleanField(required=False, initial=on_site, label="On the site")
            self.fields[f"{kind}-email"] = forms.BooleanField(required=False, initial=by_email, label="By e-mail")

    def rows(self):
        return [(NotificationKind(kind).label, self[f"{kind}-site"], self[f"{kind}-email"]) for kind in self.kinds]

    def choices(self) -> dict:
        return {kind: (self.cleaned_data[f"{kind}-site"], self.cleaned_data[f"{kind}-email"]) for kind in self.kinds}


class RubricForm(forms.Form):
    text = forms.CharField(
        label="Criteria",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8, "class": "rubric-text"}),
        help_text="One criterion a line: its name, a colon, then its levels as “name = points” separated by “|”. "
        "For example: Evidence: Strong = 4 | Adequate = 2 | Missing = 0. Leave empty for no rubric.",
    )

    def clean_text(self):
        try:
            self.criteria = rubrics.parse(self.cleaned_data["text"])
        except rubrics.RubricTextError as error:
            raise forms.ValidationError(str(error)) from error
        return self.cleaned_data["text"]


class RubricCopyForm(forms.Form):
    source = forms.TypedChoiceField(coerce=int, label="Copy the rubric of")

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = {assignment.pk: assignment for assignment in sources}
        self.fields["source"].choices = [(a.pk, f"{a.course.title}: {a.title}") for a in sources]

    def clean_source(self):
        return self.sources[self.cleaned_data["source"]]


class GradingForm(forms.Form):
    """Feedback on one submission: a level per rubric criterion (the grade is their sum),
    or a grade typed in when there is no rubric; a comment on any piece of evidence."""

    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=20_000)
    grade = forms.CharField(max_length=20, required=False, help_text="e.g. 'B+' or '72'.")
    release = forms.BooleanField(required=False, label="Return to the student now")

    def __init__(self, *args, criteria=(), citations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria, self.citations = list(criteria), list(citations)
        if self.criteria:
            del self.fields["grade"]
        for criterion in self.criteria:
            self.fields[f"score-{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.title,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                choices=[
                    (level.pk, f"{level.title} ({rubrics.points(level.points)})") for level in criterion.levels.all()
                ],
            )
        for citation in self.citations:
            self.fields[f"evidence-{citation.pk}"] = forms.CharField(
                label=f"Your comment on {citation.argument.speaker.name}'s argument",
                required=False,
                max_length=5_000,
                # Beside its evidence on the page, outside the <form> element, yet part of it.
                widget=forms.Textarea(attrs={"rows": 2, "form": "grading-form"}),
            )

    def score_fields(self):
        return [self[f"score-{criterion.pk}"] for criterion in self.criteria]

    def evidence_field(self, citation):
        return self[f"evidence-{citation.pk}"]

    def scores(self) -> dict:
        """{criterion id: Level} for the criteria scored."""
        chosen = {}
        for criterion in self.criteria:
            level_id = self.cleaned_data.get(f"score-{criterion.pk}")
            if level_id is not None:
                chosen[criterion.pk] = next(level for level in criterion.levels.all() if level.pk == level_id)
        return chosen

    def evidence_comments(self) -> dict:
        return {citation.pk: self.cleaned_data[f"evidence-{citation.pk}"] for citation in self.citations}
