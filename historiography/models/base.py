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
    # Related rows that may be absent (nullable foreign keys) but, when present, must be
    # published too: an argument by a draft person or citing a draft work is hidden, while
    # a school's view has no person and an argument from a source may have no work.
    published_if_set = ()

    def published_q(self, prefix="", *, through=True):
        """The condition published() filters on, seen from a model `prefix` leads to (e.g.
        "arguments__" from a person), for counts over related rows. `through=False` leaves
        out the rows above (question, topic) when the query already stands on them."""
        condition = Q(**{f"{prefix}status": Status.PUBLISHED})
        if through:
            condition &= Q(**{f"{prefix}{path}__status": Status.PUBLISHED for path in self.published_through})
        for path in self.published_if_set:
            if prefix:  # across a relation: a join (a negated subquery would mean "none of them")
                condition &= Q(**{f"{prefix}{path}__isnull": True}) | Q(**{f"{prefix}{path}__status": Status.PUBLISHED})
            else:
                # "Not one of the few drafts" (a partial index holds them) rather than a join,
                # which PostgreSQL answers by hashing every person and every work (5,000 and
                # 12,000 rows, 7-12 ms a query at the synthetic scale). Null passes.
                drafts = self.model._meta.get_field(path).related_model._base_manager.filter(status=Status.DRAFT)
                condition &= ~Q(**{f"{path}__in": drafts.values("pk")})
        return condition

    def published(self):
        return self.filter(self.published_q())


def cited_in_topic(topic, field):
    """Rows whose pk is `field` (work_id, source_id) of a published argument or estimate of `topic`."""
    # Arguments and estimates cite works and sources, so their modules come later.
    from .arguments import Argument
    from .estimates import Estimate

    return Q(pk__in=Argument.objects.published().for_topic(topic).values(field)) | Q(
        pk__in=Estimate.objects.published().filter(question__topic=topic).values(field)
    )
