"""The editors' admin: every changelist joins what its columns show (no N+1)."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.forms import Textarea

from .cache import schedule_invalidation
from .models import (
    Argument,
    ArgumentRelation,
    Estimate,
    EstimateBasis,
    Historian,
    Milestone,
    Position,
    Question,
    School,
    Source,
    Status,
    Topic,
    Work,
)


@admin.action(description="Publish selected items")
def publish(modeladmin, request, queryset):
    # update() skips full_clean(): check each item's evidence here, so nothing whose
    # passage or words are not verbatim in its source can be published from the list.
    refused = []
    if hasattr(queryset.model, "evidence_errors"):
        for item in queryset.select_related("source"):
            errors = item.evidence_errors()
            if errors:
                refused.append((item, errors))
    if refused:
        queryset = queryset.exclude(pk__in=[item.pk for item, _ in refused])
        for item, errors in refused:
            reasons = " ".join(errors.values())
            modeladmin.message_user(request, f"Not published: “{item}”. {reasons}", messages.ERROR)
    updated = queryset.update(status=Status.PUBLISHED)
    schedule_invalidation()  # update() sends no signals: drop the cached pages here
    modeladmin.message_user(request, f"{updated} published.", messages.SUCCESS)


@admin.action(description="Unpublish selected items (back to draft)")
def unpublish(modeladmin, request, queryset):
    updated = queryset.update(status=Status.DRAFT)
    schedule_invalidation()
    modeladmin.message_user(request, f"{updated} returned to draft.", messages.SUCCESS)


class PublishableAdmin(admin.ModelAdmin):
    actions = [publish, unpublish]


class StartsAsDraftAdmin(PublishableAdmin):
    """People and works: a data file that names no status loads them published (the model's
    default, so the shipped dataset stays public), but one an editor adds here starts as a
    draft, hidden from the public until published."""

    def get_changeform_initial_data(self, request):
        return {"status": Status.DRAFT, **super().get_changeform_initial_data(request)}


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ["year", "label", "description"]
    extra = 0


class EstimateBasisInline(admin.TabularInline):
    """What each basis of the topic's estimates means, and how its chart draws it."""

    model = EstimateBasis
    fields = ["slug", "label", "description", "style", "order"]
    extra = 0


@admin.register(Topic)
class TopicAdmin(PublishableAdmin):
    list_display = ["title", "period_start", "period_end", "status", "question_count"]
    ordering = ["title"]
    list_filter = ["status"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [MilestoneInline, EstimateBasisInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_count=Count("questions"))

    @admin.display(ordering="question_count", description="Questions")
    def question_count(self, obj):
        return obj.question_count


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "active_from", "active_to", "order", "historian_count"]
    ordering = ["order", "name"]
    list_editable = ["order"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(historian_count=Count("historians"))

    @admin.display(ordering="historian_count", description="People")
    def historian_count(self, obj):
        return obj.historian_count


class ArgumentInline(admin.TabularInline):
    model = Argument
    fields = ["slug", "position", "claim", "year", "status"]
    autocomplete_fields = ["position"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("position__question")


@admin.register(Historian)
class HistorianAdmin(StartsAsDraftAdmin):
    list_display = ["name", "role", "life_years", "school_list", "status", "argument_count"]
    ordering = ["sort_name"]
    list_filter = ["status", "role", "schools"]
    search_fields = ["name", "sort_name", "bio"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["schools"]
    inlines = [ArgumentInline]
    fieldsets = [
        (None, {"fields": ["name", "sort_name", "slug", "role", "status"]}),
        ("Life and work", {"fields": ["born", "died", "bio", "schools"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(argument_count=Count("arguments")).prefetch_related("schools")

    @admin.display(description="Schools")
    def school_list(self, obj):
        return ", ".join(school.name for school in obj.schools.all())

    @admin.display(ordering="argument_count", description="Arguments")
    def argument_count(self, obj):
        return obj.argument_count


@admin.register(Work)
class WorkAdmin(StartsAsDraftAdmin):
    list_display = ["title", "year", "kind", "author_list", "publisher", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "publisher", "authors__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["authors"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authors")

    @admin.display(description="Authors")
    def author_list(self, obj):
        return ", ".join(author.name for author in obj.authors.all())


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "site", "author", "accessed", "argument_count"]
    list_filter = ["kind", "site"]
    search_fields = ["title", "site", "author", "description", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind"]}),
        ("Where it comes from", {"fields": ["site", "author", "url", "published", "accessed", "description"]}),
        ("Its text", {"fields": ["text", "key"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(argument_count=Count("arguments"))

    @admin.display(ordering="argument_count", description="Arguments")
    def argument_count(self, obj):
        return obj.argument_count


class PositionInline(admin.StackedInline):
    """Stacked, each field with its label: as a table its text areas made the page
    2,573 px wide with unlabelled boxes."""

    model = Position
    fields = [("label", "slug", "order"), "summary", "standing", "standing_note", "standing_source", "standing_passage"]
    autocomplete_fields = ["standing_source"]
    prepopulated_fields = {"slug": ["label"]}
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 80})}}
    extra = 0


@admin.register(Question)
class QuestionAdmin(PublishableAdmin):
    list_display = ["title", "topic", "order", "standing", "status", "position_count"]
    ordering = ["topic__title", "order", "title"]
    list_filter = ["status", "standing", "topic"]
    search_fields = ["title", "background"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topic", "standing_source"]
    inlines = [PositionInline]
    fieldsets = [
        (None, {"fields": ["topic", "title", "slug", "order", "status"]}),
        ("For students", {"fields": ["background"]}),
        (
            "Where the scholarship stands",
            {"fields": ["standing", "standing_basis", "standing_source", "standing_section", "standing_passage"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("topic").annotate(position_count=Count("positions"))

    @admin.display(ordering="position_count", description="Positions")
    def position_count(self, obj):
        return obj.position_count


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["label", "question", "order", "standing"]
    list_filter = ["standing", "question__topic", "question"]
    search_fields = ["label", "question__title"]
    autocomplete_fields = ["question"]
    inlines = [ArgumentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question")


class RelationInline(admin.TabularInline):
    model = ArgumentRelation
    fk_name = "source"
    fields = ["kind", "target", "note"]
    autocomplete_fields = ["target"]
    extra = 0
    verbose_name = "relation to another argument"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("target__historian")


class PositionListFilter(admin.SimpleListFilter):
    """Positions named with their question, in one query (the stock filter would fetch
    each position's question separately)."""

    title = "position"
    parameter_name = "position"

    def lookups(self, request, model_admin):
        positions = Position.objects.select_related("question").order_by("question__order", "question__title", "order")
        return [(position.pk, f"{position.question.title[:50]} — {position.label}") for position in positions]

    def queryset(self, request, queryset):
        return queryset.filter(position=self.value()) if self.value() else queryset


@admin.register(Argument)
class ArgumentAdmin(PublishableAdmin):
    list_display = ["__str__", "attribution", "source", "question", "position_label", "year", "status", "tag_list"]
    list_filter = [
        "status",
        "attribution",
        "source",
        "position__question__topic",
        "position__question",
        PositionListFilter,
        "historian__role",
        "historian__schools",
        "tags",
        ("historian", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["historian", "school", "source", "position__question"]
    search_fields = ["claim", "passage", "words", "historian__name", "school__name", "work__title", "slug"]
    autocomplete_fields = ["historian", "school", "examples", "position", "source", "work"]
    prepopulated_fields = {"slug": ["claim"]}
    inlines = [RelationInline]
    fieldsets = [
        (None, {"fields": ["position", "status", "slug"]}),
        (
            "Whose view",
            {
                "fields": ["attribution", "historian", "school", "examples"],
                "description": "Own words: the source quotes the person. Reported: the source paraphrases them. "
                "School: the source describes a group; name the school, and the people it names as examples.",
            },
        ),
        (
            "From the source",
            {
                "fields": ["source", "section", "passage", "words"],
                "description": "The passage is checked against the source's text on saving: verbatim apart from "
                "case, spaces, quote marks and dashes; “...” joins fragments in order.",
            },
        ),
        ("The argument", {"fields": ["claim", "tags"]}),
        ("From the person's own work", {"fields": ["work", "locator", "year"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("source__text").prefetch_related("tags")

    @admin.display(ordering="position__question__title", description="Question")
    def question(self, obj):
        return obj.position.question

    @admin.display(ordering="position__label", description="Position")
    def position_label(self, obj):
        return obj.position.label

    @admin.display(description="Tags")
    def tag_list(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all())


@admin.register(ArgumentRelation)
class ArgumentRelationAdmin(admin.ModelAdmin):
    list_display = ["source", "kind", "target"]
    list_filter = ["kind"]
    list_select_related = ["source__historian", "target__historian"]
    search_fields = ["source__claim", "target__claim", "source__historian__name", "target__historian__name"]
    autocomplete_fields = ["source", "target"]


@admin.register(Estimate)
class EstimateAdmin(PublishableAdmin):
    list_display = ["measure", "given_by", "low", "high", "unit", "year", "basis", "is_consensus", "status"]
    list_filter = ["status", "basis", "is_consensus", "question", "source"]
    list_select_related = ["question"]
    search_fields = ["measure", "given_by", "note", "passage"]
    autocomplete_fields = ["question", "historian", "work", "source"]
    fieldsets = [
        (None, {"fields": ["question", "slug", "measure", "status"]}),
        ("Figure", {"fields": ["low", "high", "unit", "year", "basis", "is_consensus", "note"]}),
        ("Who gives it", {"fields": ["given_by", "historian", "work"]}),
        ("From the source", {"fields": ["source", "section", "passage"]}),
    ]


# --- Login lockouts ----------------------------------------------------------------------
# django-axes' own admin, opened to every member of staff (not only superusers), so an
# editor can see who is locked out, from which address and until when, and lift a lock by
# deleting it.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)
