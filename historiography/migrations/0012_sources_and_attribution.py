"""Sources become records, and each argument says whose words it shows (issue 11).

Existing rows are converted without loss: an argument's quotation becomes its passage,
attributed as `reported` (the source's words about the person, which most were); the
document named by `source_document` becomes a Source: the one with that `key` when there
is one, otherwise a placeholder "Untitled source" holding the key, so nothing is lost and
importing the dataset describes it. An argument from a source with no passage recorded
goes back to draft: it cannot be checked, so it is not shown until an editor adds one.
"""

import django.db.models.deletion
from django.db import migrations, models


def _sources(apps):
    Source = apps.get_model("historiography", "Source")
    found = {}

    def source_for(key):
        key = (key or "").strip()
        if not key:
            return None
        if key not in found:
            source = Source.objects.filter(key=key).first()
            if source is None:
                slug, n = "untitled-source", 2
                while Source.objects.filter(slug=slug).exists():
                    slug, n = f"untitled-source-{n}", n + 1
                source = Source.objects.create(slug=slug, title="Untitled source", kind="other", key=key)
            found[key] = source
        return found[key]

    return source_for


def forward(apps, schema_editor):
    source_for = _sources(apps)
    Argument = apps.get_model("historiography", "Argument")
    for argument in Argument.objects.all():
        argument.source = source_for(argument.source_document)
        argument.section = argument.source_section or ("Not recorded" if argument.source else "")
        argument.attribution = "reported"
        argument.words = ""
        if argument.source is not None and not argument.passage.strip():
            if argument.work_id:
                argument.source = None  # from the work itself, its section kept
            else:
                argument.status = "draft"
        argument.save(update_fields=["source", "section", "attribution", "words", "status"])
    Estimate = apps.get_model("historiography", "Estimate")
    for estimate in Estimate.objects.all():
        estimate.source = source_for(estimate.source_document)
        estimate.section = estimate.source_section or ("Not recorded" if estimate.source else "")
        estimate.save(update_fields=["source", "section"])
    Question = apps.get_model("historiography", "Question")
    for question in Question.objects.exclude(standing_source_document=""):
        question.standing_source = source_for(question.standing_source_document)
        question.save(update_fields=["standing_source"])


def backward(apps, schema_editor):
    for model in ("Argument", "Estimate"):
        for row in apps.get_model("historiography", model).objects.select_related("source"):
            row.source_document = row.source.key if row.source else ""
            row.source_section = row.section
            row.save(update_fields=["source_document", "source_section"])
    Question = apps.get_model("historiography", "Question")
    for question in Question.objects.filter(standing_source__isnull=False).select_related("standing_source"):
        question.standing_source_document = question.standing_source.key
        question.save(update_fields=["standing_source_document"])


class Migration(migrations.Migration):
    dependencies = [("historiography", "0011_help_texts_for_any_debate")]

    operations = [
        migrations.CreateModel(
            name="Source",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("slug", models.SlugField(max_length=120, unique=True)),
                (
                    "title",
                    models.CharField(help_text="The document's own title, as its header gives it.", max_length=300),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("encyclopedia", "Encyclopedia article"),
                            ("reference", "Reference note"),
                            ("qa", "Q&A answer"),
                            ("podcast", "Podcast summary"),
                            ("book", "Book"),
                            ("article", "Article"),
                            ("web", "Web page"),
                            ("other", "Other"),
                        ],
                        default="other",
                        max_length=20,
                    ),
                ),
                (
                    "site",
                    models.CharField(blank=True, help_text="Site or publisher; empty when unknown.", max_length=200),
                ),
                (
                    "author",
                    models.CharField(blank=True, help_text="Empty when the source names none.", max_length=200),
                ),
                ("url", models.URLField(blank=True, help_text="Empty when not known: never invent one.")),
                ("published", models.DateField(blank=True, null=True)),
                ("accessed", models.DateField(blank=True, help_text="When the editors read it.", null=True)),
                (
                    "description",
                    models.TextField(blank=True, help_text="One or two sentences a reader can recognise it by."),
                ),
                (
                    "key",
                    models.CharField(
                        blank=True, help_text="Internal: the file it was read from. Never shown.", max_length=200
                    ),
                ),
                (
                    "text",
                    models.TextField(blank=True, help_text="The full text, verbatim: passages are checked against it."),
                ),
            ],
            options={"ordering": ["title", "slug"]},
        ),
        migrations.AddField(
            model_name="school",
            name="grouped_by_editors",
            field=models.BooleanField(
                default=False,
                help_text="The sources do not use this name or grouping: it is shown as the editors' grouping.",
            ),
        ),
        # Arguments
        migrations.RemoveConstraint(model_name="argument", name="argument_has_source_document"),
        migrations.RenameField(model_name="argument", old_name="quotation", new_name="passage"),
        migrations.AlterField(
            model_name="argument",
            name="passage",
            field=models.TextField(blank=True, help_text="The source's sentence(s) that carry the argument, verbatim."),
        ),
        migrations.AlterField(
            model_name="argument",
            name="claim",
            field=models.TextField(help_text="One sentence in the editors' words, saying no more than the passage."),
        ),
        migrations.AddField(
            model_name="argument",
            name="attribution",
            field=models.CharField(
                choices=[
                    ("own_words", "In their own words"),
                    ("reported", "As the source reports it"),
                    ("school", "A school's view"),
                ],
                default="reported",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="argument",
            name="historian",
            field=models.ForeignKey(
                blank=True,
                help_text="Whose argument it is (empty for a school's).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="arguments",
                to="historiography.historian",
            ),
        ),
        migrations.AddField(
            model_name="argument",
            name="school",
            field=models.ForeignKey(
                blank=True,
                help_text="For a school's argument: the school the source describes.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="arguments",
                to="historiography.school",
            ),
        ),
        migrations.AddField(
            model_name="argument",
            name="examples",
            field=models.ManyToManyField(
                blank=True,
                help_text="For a school's argument: the people the passage names as its members or examples.",
                related_name="example_arguments",
                to="historiography.historian",
            ),
        ),
        migrations.AddField(
            model_name="argument",
            name="words",
            field=models.TextField(
                blank=True,
                help_text="Own words only: exactly what the source puts inside quotation marks as theirs.",
            ),
        ),
        migrations.AddField(
            model_name="argument",
            name="source",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty when the argument is taken from the person's own work.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="arguments",
                to="historiography.source",
            ),
        ),
        migrations.AddField(
            model_name="argument",
            name="section",
            field=models.CharField(
                blank=True, help_text="The section of the source, as its headings read.", max_length=300
            ),
        ),
        # Estimates
        migrations.RenameField(model_name="estimate", old_name="source", new_name="given_by"),
        migrations.AlterField(
            model_name="estimate",
            name="given_by",
            field=models.CharField(help_text="Who gives the figure, as the source names them.", max_length=200),
        ),
        migrations.AlterField(
            model_name="estimate",
            name="is_consensus",
            field=models.BooleanField(
                default=False,
                help_text="The range the scholarship broadly accepts, as a source reports it: a band behind the bars.",
            ),
        ),
        migrations.AddField(
            model_name="estimate",
            name="source",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty only when the figure is taken from the work itself.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="estimates",
                to="historiography.source",
            ),
        ),
        migrations.AddField(
            model_name="estimate",
            name="section",
            field=models.CharField(
                blank=True, help_text="The section of the source, as its headings read.", max_length=300
            ),
        ),
        migrations.AddField(
            model_name="estimate",
            name="passage",
            field=models.TextField(blank=True, help_text="The source's sentence(s) that give the figure, verbatim."),
        ),
        # Questions and positions
        migrations.RenameField(model_name="question", old_name="standing_source_section", new_name="standing_section"),
        migrations.AlterField(
            model_name="question",
            name="standing_section",
            field=models.CharField(blank=True, help_text="Its section in that source.", max_length=300),
        ),
        migrations.AddField(
            model_name="question",
            name="standing_source",
            field=models.ForeignKey(
                blank=True,
                help_text="The source whose sentence the standing rests on.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="historiography.source",
            ),
        ),
        migrations.AddField(
            model_name="question",
            name="standing_passage",
            field=models.TextField(blank=True, help_text="The source's sentence the standing rests on, verbatim."),
        ),
        migrations.AddField(
            model_name="position",
            name="standing_source",
            field=models.ForeignKey(
                blank=True,
                help_text="The source whose sentence the standing rests on.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="historiography.source",
            ),
        ),
        migrations.AddField(
            model_name="position",
            name="standing_passage",
            field=models.TextField(blank=True, help_text="That sentence, verbatim."),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="argument", name="source_document"),
        migrations.RemoveField(model_name="argument", name="source_section"),
        migrations.RemoveField(model_name="estimate", name="source_document"),
        migrations.RemoveField(model_name="estimate", name="source_section"),
        migrations.RemoveField(model_name="question", name="standing_source_document"),
        migrations.AddConstraint(
            model_name="argument",
            constraint=models.CheckConstraint(
                condition=~models.Q(attribution="school") | models.Q(school__isnull=False, historian__isnull=True),
                name="argument_school_view_has_school_only",
                violation_error_message="A school's view names its school and no single person (the people it names go in examples).",
            ),
        ),
        migrations.AddConstraint(
            model_name="argument",
            constraint=models.CheckConstraint(
                condition=models.Q(attribution="school") | models.Q(historian__isnull=False, school__isnull=True),
                name="argument_person_view_has_person",
                violation_error_message="A person's view (own words or reported) names the person, and no school.",
            ),
        ),
        migrations.AddConstraint(
            model_name="argument",
            constraint=models.CheckConstraint(
                condition=models.Q(attribution="own_words", words__gt="")
                | (~models.Q(attribution="own_words") & models.Q(words="")),
                name="argument_words_only_own_words",
                violation_error_message="Words are only for own words, and own words need them: what the source puts in quotation marks as the person's.",
            ),
        ),
        migrations.AddConstraint(
            model_name="argument",
            constraint=models.CheckConstraint(
                condition=models.Q(source__isnull=True)
                | models.Q(section__gt="", passage__gt="")
                | models.Q(section__gt="", status="draft"),
                name="argument_source_has_passage_and_section",
                violation_error_message="An argument from a source names its section and, once published, quotes its passage.",
            ),
        ),
        migrations.AddConstraint(
            model_name="argument",
            constraint=models.CheckConstraint(
                condition=models.Q(source__isnull=False) | models.Q(work__isnull=False),
                name="argument_has_source_or_work",
                violation_error_message="An argument comes from a source or from the person's own work: name one.",
            ),
        ),
        migrations.AddConstraint(
            model_name="estimate",
            constraint=models.CheckConstraint(
                condition=models.Q(source__isnull=True) | models.Q(section__gt=""),
                name="estimate_source_has_section",
                violation_error_message="An estimate from a source names its section.",
            ),
        ),
        migrations.AddConstraint(
            model_name="estimate",
            constraint=models.CheckConstraint(
                condition=models.Q(source__isnull=False) | models.Q(work__isnull=False),
                name="estimate_has_source_or_work",
                violation_error_message="An estimate comes from a source or from a work: name one.",
            ),
        ),
    ]
