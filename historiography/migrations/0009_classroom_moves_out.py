"""The classroom's models move to their own app, `classroom` (historiography/classroom/).
Only Django's record of the models changes: the tables stay where they are, under their
names, and `classroom.0001_initial` takes them over; no row is copied or lost."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("historiography", "0008_years_of_any_debate"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="debategroup",
                    name="assignment",
                ),
                migrations.RemoveField(
                    model_name="sideallocation",
                    name="assignment",
                ),
                migrations.RemoveField(
                    model_name="submission",
                    name="assignment",
                ),
                migrations.RemoveField(
                    model_name="citation",
                    name="argument",
                ),
                migrations.RemoveField(
                    model_name="citation",
                    name="submission",
                ),
                migrations.RemoveField(
                    model_name="course",
                    name="instructors",
                ),
                migrations.RemoveField(
                    model_name="enrollment",
                    name="course",
                ),
                migrations.RemoveField(
                    model_name="submission",
                    name="group",
                ),
                migrations.RemoveField(
                    model_name="sideallocation",
                    name="group",
                ),
                migrations.RemoveField(
                    model_name="enrollment",
                    name="student",
                ),
                migrations.RemoveField(
                    model_name="feedback",
                    name="author",
                ),
                migrations.RemoveField(
                    model_name="feedback",
                    name="submission",
                ),
                migrations.RemoveField(
                    model_name="sideallocation",
                    name="position",
                ),
                migrations.RemoveField(
                    model_name="sideallocation",
                    name="student",
                ),
                migrations.RemoveField(
                    model_name="submission",
                    name="position",
                ),
                migrations.RemoveField(
                    model_name="submission",
                    name="student",
                ),
                migrations.DeleteModel(
                    name="Assignment",
                ),
                migrations.DeleteModel(
                    name="Citation",
                ),
                migrations.DeleteModel(
                    name="Course",
                ),
                migrations.DeleteModel(
                    name="DebateGroup",
                ),
                migrations.DeleteModel(
                    name="Enrollment",
                ),
                migrations.DeleteModel(
                    name="Feedback",
                ),
                migrations.DeleteModel(
                    name="SideAllocation",
                ),
                migrations.DeleteModel(
                    name="Submission",
                ),
            ],
            database_operations=[],
        ),
    ]
