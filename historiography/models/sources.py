"""Sources, what the editors read, and the check that a passage stands verbatim in one."""

from django.core.exceptions import ValidationError
from django.db import models

from .. import verbatim
from .base import SlugManager, cited_in_topic


class SourceKind(models.TextChoices):
    ENCYCLOPEDIA = "encyclopedia", "Encyclopedia article"
    REFERENCE = "reference", "Reference note"
    QA = "qa", "Q&A answer"
    PODCAST = "podcast", "Podcast summary"
    BOOK = "book", "Book"
    ARTICLE = "article", "Article"
    WEB = "web", "Web page"
    OTHER = "other", "Other"


class SourceQuerySet(models.QuerySet):
    def without_text(self):
        """Everything but the full text (a source's text runs to a hundred pages)."""
        return self.defer("text")

    def for_topic(self, topic):
        """The sources a published argument or estimate of `topic` comes from."""
        return self.filter(cited_in_topic(topic, "source_id"))


class Source(models.Model):
    """What the editors read: an encyclopedia article, a reference note, a Q&A answer, a
    podcast summary, a book. Its full text is stored so the product checks words against
    it and shows them in context. `key` is an internal name (the file it came from), never
    shown to readers."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=300, help_text="The document's own title, as its header gives it.")
    kind = models.CharField(max_length=20, choices=SourceKind.choices, default=SourceKind.OTHER)
    site = models.CharField(max_length=200, blank=True, help_text="Site or publisher; empty when unknown.")
    author = models.CharField(max_length=200, blank=True, help_text="Empty when the source names none.")
    url = models.URLField(blank=True, help_text="Empty when not known: never invent one.")
    published = models.DateField(null=True, blank=True)
    accessed = models.DateField(null=True, blank=True, help_text="When the editors read it.")
    description = models.TextField(blank=True, help_text="One or two sentences a reader can recognise it by.")
    key = models.CharField(max_length=200, blank=True, help_text="Internal: the file it was read from. Never shown.")
    text = models.TextField(blank=True, help_text="The full text, verbatim: passages are checked against it.")

    objects = SlugManager.from_queryset(SourceQuerySet)()

    class Meta:
        ordering = ["title", "slug"]

    def __str__(self):
        return f"{self.title} ({self.site})" if self.site else self.title

    def natural_key(self):
        return (self.slug,)

    @property
    def display_name(self):
        """“Stalinism” (Hubbry): how pages name it when it speaks."""
        return f"“{self.title}” ({self.site})" if self.site else f"“{self.title}”"

    def check_passage(self, passage, field_label="The passage"):
        """None when `passage` stands verbatim in this source's text, else the error to show
        (with the closest wording the source has)."""
        if verbatim.is_verbatim(passage, self.text):
            return None
        return verbatim.not_found_message(field_label, passage, self.text, f"“{self.title}”")


SECTION_REQUIRED = "The section is required with a source: where the passage stands in it, as its headings read."


def passage_errors(instance, checks):
    """{field name: error} for each text that is missing or not verbatim in its source (with
    the closest match the source has). `checks`: (field name, source, text); a text with no
    source is not checked."""
    errors = {}
    for name, source, text in checks:
        if source is None:
            continue
        label = "The " + str(instance._meta.get_field(name).verbose_name)
        if not text.strip():
            errors[name] = f"{label} is required with a source: the source's own sentence, verbatim."
            continue
        error = source.check_passage(text, label)
        if error:
            errors[name] = error
    return errors


def check_passages(instance, checks):
    errors = passage_errors(instance, checks)
    if errors:
        raise ValidationError(errors)
