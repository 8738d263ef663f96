"""A made-up second historiography for the tests (tests/data/fictional_topic.json): three
schools, five questions (one argued only in estimates), twenty arguments taken from the
historians' own (fictional) works with no intermediary source. It is test data, never
shipped as content, and is loaded the way editors load any topic: import_scholarship."""

from pathlib import Path

from django.core.management import call_command

FICTIONAL_TOPIC = Path(__file__).parent / "data" / "fictional_topic.json"
STALINISM = Path(__file__).parent.parent / "fixtures" / "stalinism.json"


def import_topics(*files):
    """Import scholarship files with the editors' command (output discarded)."""
    call_command("import_scholarship", *map(str, files), stdout=open("/dev/null", "w"))
