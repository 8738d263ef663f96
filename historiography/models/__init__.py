"""The scholarship: topics, the people, schools and works of their debates, sources,
questions and positions, arguments and their relations, estimates. The classroom
(`historiography.classroom`) is built on these and never referred to from them.

A package of modules ordered by dependency: `base` (status, slugs, publication), `topics`
(topics, milestones, schools, people, works), `sources` (and the verbatim check of
passages), `questions` (and positions), `arguments` (tags, relations), `estimates` (and
their bases). A QuerySet reading a model of a later module imports it inside the method.
Import from here: `from historiography.models import Argument`."""

# isort: off
# In dependency order, so the app registry lists the models as it did when they were one file.
from .base import (
    PublishableQuerySet,
    SlugManager,
    Status,
    cited_in_topic,
)
from .topics import (
    SCHOLARLY_ROLES,
    Historian,
    HistorianQuerySet,
    Milestone,
    MilestoneManager,
    Role,
    School,
    SchoolQuerySet,
    Topic,
    TopicQuerySet,
    Work,
    WorkKind,
    WorkQuerySet,
)
from .sources import (
    SECTION_REQUIRED,
    Source,
    SourceKind,
    SourceQuerySet,
    check_passages,
    passage_errors,
)
from .questions import (
    Position,
    PositionManager,
    PositionQuerySet,
    PositionStanding,
    Question,
    QuestionQuerySet,
    Standing,
)
from .arguments import (
    Argument,
    ArgumentQuerySet,
    ArgumentRelation,
    ArgumentRelationManager,
    Attribution,
    RelationKind,
    TaggedArgument,
    TaggedArgumentManager,
    tags_of,
)
from .estimates import (
    BASIS_FIELDS,
    BasisStyle,
    Estimate,
    EstimateBasis,
    EstimateBasisManager,
    EstimateQuerySet,
)
# isort: on

__all__ = [
    "Status",
    "SlugManager",
    "PublishableQuerySet",
    "cited_in_topic",
    "TopicQuerySet",
    "Topic",
    "MilestoneManager",
    "Milestone",
    "SchoolQuerySet",
    "School",
    "Role",
    "SCHOLARLY_ROLES",
    "HistorianQuerySet",
    "Historian",
    "WorkKind",
    "WorkQuerySet",
    "Work",
    "SourceKind",
    "SourceQuerySet",
    "Source",
    "SECTION_REQUIRED",
    "passage_errors",
    "check_passages",
    "Standing",
    "QuestionQuerySet",
    "Question",
    "PositionStanding",
    "PositionManager",
    "PositionQuerySet",
    "Position",
    "TaggedArgumentManager",
    "TaggedArgument",
    "tags_of",
    "ArgumentQuerySet",
    "Attribution",
    "Argument",
    "RelationKind",
    "ArgumentRelationManager",
    "ArgumentRelation",
    "BasisStyle",
    "EstimateBasisManager",
    "EstimateBasis",
    "BASIS_FIELDS",
    "EstimateQuerySet",
    "Estimate",
]
