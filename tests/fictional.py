"""A made-up second historiography for the tests (tests/data/fictional_topic.json): three
schools, five questions (one argued only in estimates), twenty arguments taken from the
historians' own (fictional) works with no intermediary source. It is test data, never
shipped as content, and is loaded the way editors load any topic: import_scholarship."""

import json
import tempfile
from pathlib import Path

from django.core.management import call_command

from historiography.models import Argument

FICTIONAL_TOPIC = Path(__file__).parent / "data" / "fictional_topic.json"
STALINISM = Path(__file__).parent.parent / "fixtures" / "stalinism.json"


def _before_the_evidence_model(objects):
    """The file is written for the evidence model (attribution, words, passage, Source);
    until the models have it, read it as the fields they have."""
    for obj in objects:
        model, fields = obj["model"], obj["fields"]
        if model == "historiography.argument":
            for name in ("attribution", "school", "examples", "passage", "source", "section"):
                fields.pop(name)
            fields["quotation"] = fields.pop("words")
            fields.update(source_document="the historian's own work", source_section="—")
        elif model == "historiography.estimate":
            fields["source"] = fields.pop("given_by")
            for name in ("section", "passage"):
                fields.pop(name)
            fields.update(source_document="the historian's own work", source_section="—")
        elif model == "historiography.question":
            for name in ("standing_source", "standing_section", "standing_passage"):
                fields.pop(name)
        elif model == "historiography.school":
            fields.pop("grouped_by_editors")
    return objects


def import_topics(*files):
    """Import scholarship files with the editors' command (output discarded)."""
    paths = []
    with tempfile.TemporaryDirectory() as folder:
        for path in files:
            if path == FICTIONAL_TOPIC and not hasattr(Argument, "attribution"):
                converted = Path(folder) / path.name
                converted.write_text(json.dumps(_before_the_evidence_model(json.loads(path.read_text()))))
                path = converted
            paths.append(str(path))
        call_command("import_scholarship", *paths, stdout=open("/dev/null", "w"))
