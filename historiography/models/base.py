"""What every scholarship model shares: publication status, slugs as natural keys, and the
published() filter that follows publication up through the rows a row belongs to."""

from django.db import models
from django.db.models import Q


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class SlugManager(models.Manager):
    """Looks rows up by slug, so fixtures can use natural keys and load twice."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class PublishableQuerySet(models.QuerySet):
    # Related rows that must be published too: a published argument on a draft
    # question is still a draft to the public.
    published_through = ()

    def published(self):
        return self.filter(
            status=Status.PUBLISHED,
            **{f"{path}__status": Status.PUBLISHED for path in self.published_through},
        )


def cited_in_topic(topic, field):
    """Rows whose pk is `field` (work_id, source_id) of a published argument or estimate of `topic`."""
    # Arguments and estimates cite works and sources, so their modules come later.
    from .arguments import Argument
    from .estimates import Estimate

    return Q(pk__in=Argument.objects.published().for_topic(topic).values(field)) | Q(
        pk__in=Estimate.objects.published().filter(question__topic=topic).values(field)
    )
