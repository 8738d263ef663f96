"""Reading scholarship files and checking every object before anything is written.

A file is in the fixture format (`fixtures/stalinism.json`): a JSON list of
`{"model": ..., "fields": {...}}` objects that refer to each other by natural key. An
object is matched to the database by its natural key, so importing twice updates instead
of duplicating; fields the file leaves out keep their current values.

`plan_import()` only reads: it returns the objects to save in dependency order, or every
problem it found, each naming the file, the object and the field. The write is
`services.scholarship_import()`. The checks come from the models themselves (their
fields, natural keys, `full_clean()` and constraints), so a new field or constraint needs
no change here."""

from __future__ import annotations

import bisect
import difflib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import models

from .apps import SCHOLARSHIP_APP_LABELS, scholarship_models

# Enough to fix a file in one go without burying the first problems.
MAX_REPORTED = 50


@dataclass
class Problem:
    file: str
    message: str
    where: str = ""
    order: tuple = ()

    def __str__(self):
        return f"{self.file}, {self.where}: {self.message}" if self.where else f"{self.file}: {self.message}"


@dataclass(eq=False)
class Entry:
    """One object of a file, and what importing it will do."""

    file: str
    file_order: int
    index: int  # 1-based, as an editor counts
    line: int | None
    model: type[models.Model]
    fields: dict
    instance: models.Model | None = None
    key: tuple | None = None
    exists: bool = False
    changed: bool = True
    m2m: dict = field(default_factory=dict)
    before: dict = field(default_factory=dict)  # the database row's values, to tell an update from no change
    has_problems: bool = False

    @property
    def label(self):
        return self.model._meta.label_lower

    @property
    def where(self):
        place = f"object {self.index}" + (f" (line {self.line})" if self.line else "")
        name = self.label + (f" {_show_key(self.key)}" if self.key else "")
        return f"{place}, {name}"


@dataclass
class ImportSummary:
    """Per model label: how many objects are created, updated and left unchanged."""

    counts: dict[str, Counter]
    written: bool

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    def lines(self) -> list[str]:
        width = max((len(label) for label in self.counts), default=0)
        return [
            f"{label:<{width}}  {sum(c.values()):>4}  "
            f"({c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged)"
            for label, c in self.counts.items()
        ]


@dataclass
class Plan:
    entries: list[Entry]  # in the order to save them
    problems: list[Problem]

    def summary(self, *, written: bool) -> ImportSummary:
        counts: dict[str, Counter] = {}
        for entry in self.entries:
            outcome = "updated" if entry.exists and entry.changed else "unchanged" if entry.exists else "created"
            counts.setdefault(entry.label, Counter(created=0, updated=0, unchanged=0))[outcome] += 1
        return ImportSummary(counts=counts, written=written)


def format_problems(problems: list[Problem]) -> str:
    shown = [f"  {problem}" for problem in problems[:MAX_REPORTED]]
    if len(problems) > MAX_REPORTED:
        shown.append(f"  … and {len(problems) - MAX_REPORTED} more.")
    noun = "problem" if len(problems) == 1 else "problems"
    return f"Nothing was imported: {len(problems)} {noun} found.\n" + "\n".join(shown)


def read_files(paths: Iterable[str | Path]) -> tuple[dict[str, str], list[Problem]]:
    """The text of each file by its name as given; a file that cannot be read is a problem."""
    texts, problems = {}, []
    for path in paths:
        name = str(path)
        try:
            texts[name] = Path(path).read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            problems.append(
                Problem(name, f"not UTF-8 text: byte {error.object[error.start]:#04x} at offset {error.start}")
            )
        except OSError as error:
            problems.append(Problem(name, f"cannot be read: {error.strerror or error}"))
    return texts, problems


def plan_import(sources: Mapping[str, str | list]) -> Plan:
    """Parse and check `sources` (file name -> JSON text, or the already parsed list).

    Reads the database (natural keys, uniqueness, constraints) but never writes."""
    problems: list[Problem] = []
    entries: list[Entry] = []
    for file_order, (name, content) in enumerate(sources.items()):
        entries += _parse(name, file_order, content, problems)

    by_model = defaultdict(list)
    for entry in entries:
        by_model[entry.model].append(entry)
    app_list = [
        (apps.get_app_config(label), [m for m in by_model if m._meta.app_label == label])
        for label in SCHOLARSHIP_APP_LABELS
    ]
    ordered = serializers.sort_dependencies(app_list, allow_cycles=True)

    index: dict[type, dict[tuple, Entry]] = defaultdict(dict)
    checked: dict = {}  # check constraint and values -> its error or None
    planned = []
    for model in ordered:
        for entry in by_model[model]:
            _check(entry, index, problems, checked)
            planned.append(entry)
    _check_unique_within_import(planned, problems)

    problems.sort(key=lambda problem: problem.order)
    return Plan(entries=planned, problems=problems)


# --- Reading -------------------------------------------------------------------------


def _parse(name: str, file_order: int, content: str | list, problems: list[Problem]) -> list[Entry]:
    lines: list[int | None] = []
    if isinstance(content, str):
        try:
            data = json.loads(content)
        except json.JSONDecodeError as error:
            message = f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
            problems.append(Problem(name, message, order=(file_order,)))
            return []
        if isinstance(data, list):
            lines = _element_lines(content)
    else:
        data = content
    if not isinstance(data, list):
        problems.append(Problem(name, f"must be a JSON list of objects, not {_json_type(data)}", order=(file_order,)))
        return []

    entries = []
    for position, item in enumerate(data):
        line = lines[position] if position < len(lines) else None
        where = f"object {position + 1}" + (f" (line {line})" if line else "")
        order = (file_order, position)

        def problem(message, where=where, order=order):
            problems.append(Problem(name, message, where, order))

        if not isinstance(item, dict):
            problem(f'must be an object {{"model": ..., "fields": {{...}}}}, not {_json_type(item)}')
            continue
        unexpected = sorted(set(item) - {"model", "pk", "fields"})
        if unexpected:
            problem(f"unexpected key {', '.join(map(repr, unexpected))}: an object has only “model” and “fields”")
        label = item.get("model")
        if not isinstance(label, str):
            problem("has no “model” (e.g. “historiography.argument”)")
            continue
        model = _importable_model(label)
        if model is None and _is_model(label):
            problem(f"“{label}” is not part of the scholarship and cannot be imported")
            continue
        if model is None:
            problem(f"unknown model “{label}”{_suggest(label.lower(), _importable_labels())}")
            continue
        fields = item.get("fields")
        if not isinstance(fields, dict):
            problem(f"{label}: “fields” must be an object, not {_json_type(fields)}")
            continue
        # "pk" is ignored: objects are matched by natural key, so files from another database fit.
        entries.append(Entry(name, file_order, position + 1, line, model, fields))
    return entries


def _element_lines(text: str) -> list[int]:
    """The line each element of a top-level JSON list starts on (the text parsed already)."""
    decoder, blank = json.JSONDecoder(), re.compile(r"[ \t\n\r]*")
    newlines = [match.start() for match in re.finditer("\n", text)]
    lines = []
    at = blank.match(text).end() + 1  # past "["
    while True:
        at = blank.match(text, at).end()
        if text[at] == "]":
            return lines
        lines.append(bisect.bisect_left(newlines, at) + 1)
        _, at = decoder.raw_decode(text, at)
        at = blank.match(text, at).end()
        if text[at] == ",":
            at += 1


def _importable_model(label: str):
    """The model named `label` if a file may hold it: a scholarship model (never the
    classroom or the users) that fixtures can name by natural key."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    if model not in scholarship_models() or not hasattr(model, "natural_key"):
        return None
    if not hasattr(model._default_manager, "get_by_natural_key"):
        return None
    return model


def _is_model(label: str) -> bool:
    try:
        return bool(apps.get_model(label))
    except (LookupError, ValueError):
        return False


def _importable_labels() -> list[str]:
    return [model._meta.label_lower for model in scholarship_models() if _importable_model(model._meta.label_lower)]


def _importable_fields(model) -> dict[str, models.Field]:
    """The fields a file may set: concrete fields and plain many-to-many ones."""
    fields = {}
    for f in model._meta.get_fields():
        if f.many_to_many and not f.auto_created:
            fields[f.name] = f
        elif getattr(f, "concrete", False) and not f.primary_key:
            fields[f.name] = f
    return fields


# --- Checking one object -------------------------------------------------------------


def _check(entry: Entry, index, problems: list[Problem], checked: dict) -> None:
    model = entry.model
    allowed = _importable_fields(model)
    field_problems: dict[str, str] = {}
    assignments = []  # (attribute, value), replayed on the database row when there is one
    new_targets = set()  # foreign keys to objects created by this import: no row to check yet
    resolved = set()  # foreign keys found above: no need to look them up again

    for name, value in entry.fields.items():
        f = allowed.get(name)
        if f is None:
            field_problems[name] = f"unknown field{_suggest(name, allowed)}"
        elif f.many_to_many:
            through = f.remote_field.through._meta
            if not through.auto_created:
                field_problems[name] = f"is set with {through.label_lower} objects, not here"
            elif not isinstance(value, list):
                field_problems[name] = f"must be a list of natural keys, not {_json_type(value)}"
            else:
                targets = [_resolve(f, ref, index, field_problems) for ref in value]
                entry.m2m[name] = [target for target in targets if target is not None]
        elif f.is_relation:
            if value is None:
                assignments.append((f.name, None))
                continue
            target = _resolve(f, value, index, field_problems)
            if target is not None:
                assignments.append((f.name, target))
                if not f.remote_field.limit_choices_to:
                    resolved.add(f.name)
                if target.pk is None:
                    new_targets.add(f.name)
        elif isinstance(value, str) and "\x00" in value:
            field_problems[name] = "contains a NUL character (\\u0000), which PostgreSQL cannot store"
        else:
            try:
                assignments.append((f.attname, f.to_python(value)))
            except ValidationError as error:
                field_problems[name] = " ".join(error.messages)

    instance = model()
    for attribute, value in assignments:
        setattr(instance, attribute, value)
    entry.instance = instance
    try:
        entry.key = tuple(instance.natural_key())
    except (ObjectDoesNotExist, AttributeError, TypeError):
        entry.key = None  # a part of it is missing; full_clean says which

    duplicate = False
    if entry.key is not None:
        first = index[model].get(entry.key)
        if first is not None:
            duplicate = True
            elsewhere = "" if first.file == entry.file else f" of {first.file}"
            field_problems[NON_FIELD_ERRORS] = (
                f"duplicate: {first.label} {_show_key(entry.key)} is also object {first.index}"
                + (f" (line {first.line})" if first.line else "")
                + elsewhere
                + "; each object may appear once"
            )
        else:
            index[model][entry.key] = entry
            existing = _lookup(model, entry.key)
            if existing is not None:
                _apply_to_existing(entry, existing, assignments)

    if entry.exists:
        entry.changed = bool(field_problems) or _has_changed(entry)
    # A row the file leaves as it is was checked when it was written.
    if not duplicate and entry.changed:  # and a duplicate's one message says it all
        found = _validate(entry, exclude=set(field_problems) | new_targets, resolved=resolved, checked=checked)
        for name, message in found.items():
            field_problems.setdefault(name, message)
    for name, message in field_problems.items():
        subject = "" if name == NON_FIELD_ERRORS else f"{name}: "
        problems.append(Problem(entry.file, subject + message, entry.where, (entry.file_order, entry.index - 1)))
    entry.has_problems = bool(field_problems)


def _resolve(f, ref, index, field_problems):
    """The object a natural key `ref` names: one in this import, else one in the database."""
    target_model = f.related_model
    noun = target_model._meta.verbose_name
    shown = json.dumps(ref, ensure_ascii=False)
    if not isinstance(ref, list) or not ref or not all(isinstance(part, (str, int)) for part in ref):
        field_problems[f.name] = f'must name a {noun} by its natural key, a list such as ["its-slug"], not {shown}'
        return None
    key = tuple(ref)
    entry = index[target_model].get(key)
    if entry is not None:
        return entry.instance
    try:
        return target_model._default_manager.get_by_natural_key(*key)
    except target_model.DoesNotExist:
        field_problems[f.name] = f"unknown {noun} {shown}: not in this import nor in the database"
    except TypeError:
        field_problems[f.name] = f"{shown} is not a natural key of a {noun} (wrong number of parts)"
    return None


def _lookup(model, key):
    try:
        return model._default_manager.get_by_natural_key(*key)
    except (model.DoesNotExist, TypeError):
        return None


def _apply_to_existing(entry: Entry, existing, assignments) -> None:
    """Import onto the database row: fields the file leaves out keep their values."""
    before = {f.attname: getattr(existing, f.attname) for f in entry.model._meta.concrete_fields}
    for attribute, value in assignments:
        setattr(existing, attribute, value)
    entry.instance, entry.exists, entry.before = existing, True, before


def _validate(entry: Entry, exclude: set[str], resolved: set[str], checked: dict) -> dict[str, str]:
    """The model's own checks (full_clean, then each constraint), one message per field."""
    instance, model = entry.instance, entry.model
    found: dict[str, str] = {}
    # full_clean() runs the model's clean(), which checks a passage against its source
    # (README, "Content rules"): an invented passage is refused here, with the closest match.
    try:
        instance.full_clean(exclude=exclude | resolved, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            found.setdefault(name, " ".join(messages))
    exclude = exclude | set(found)
    try:
        instance.validate_unique(exclude=exclude)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            found.setdefault(name, " ".join(messages))
    for constraint in model._meta.constraints:
        try:
            _validate_constraint(constraint, instance, exclude, checked)
        except ValidationError as error:
            values = ", ".join(
                f"{name}={_show_value(getattr(instance, name, None))}" for name in _constraint_fields(constraint)
            )
            found.setdefault(NON_FIELD_ERRORS, " ".join(error.messages) + (f" ({values})" if values else ""))
    return found


def _validate_constraint(constraint, instance, exclude: set[str], checked: dict) -> None:
    model = type(instance)
    if not isinstance(constraint, models.CheckConstraint):
        constraint.validate(model, instance, exclude=exclude)
        return
    # A check is a query that sends every field of the row unless told which it reads: send
    # only those, and ask once per set of values (a file repeats most of them). Should a
    # field be missed here, the database still refuses the row when it is written.
    reads = _constraint_fields(constraint)
    if exclude & set(reads):
        return  # as full_clean does: a field with a problem of its own is not checked further
    unread = {f.name for f in model._meta.local_concrete_fields} - set(reads)
    key = (constraint.name, model, tuple(getattr(instance, _attname(model, name), None) for name in reads))
    if key not in checked:
        try:
            constraint.validate(model, instance, exclude=unread)
            checked[key] = None
        except ValidationError as error:
            checked[key] = error
    if checked[key] is not None:
        raise checked[key]


def _has_changed(entry: Entry) -> bool:
    instance = entry.instance
    if any(getattr(instance, attname) != value for attname, value in entry.before.items()):
        return True
    for name, targets in entry.m2m.items():
        if any(target.pk is None for target in targets):
            return True
        if set(getattr(instance, name).values_list("pk", flat=True)) != {target.pk for target in targets}:
            return True
    return False


def _check_unique_within_import(entries: list[Entry], problems: list[Problem]) -> None:
    """Two new objects may each pass the database's unique checks and still clash with
    each other (two tags with one slug): compare them among themselves."""
    seen = {}
    for entry in entries:
        if entry.has_problems:
            continue
        meta = entry.model._meta
        unique_sets = [(f.name,) for f in meta.local_concrete_fields if f.unique and not f.primary_key]
        unique_sets += [tuple(c.fields) for c in meta.total_unique_constraints]
        unique_sets += [tuple(fields) for fields in meta.unique_together]
        for names in unique_sets:
            values = tuple(_identity(getattr(entry.instance, name)) for name in names)
            first = seen.setdefault((entry.model, names, values), entry)
            if first is not entry:
                shown = ", ".join(f"{name} {_show_value(getattr(entry.instance, name))}" for name in names)
                elsewhere = "" if first.file == entry.file else f" of {first.file}"
                message = f"duplicate: {shown} is also used by object {first.index}{elsewhere}"
                problems.append(Problem(entry.file, message, entry.where, (entry.file_order, entry.index - 1)))
                entry.has_problems = True
                break


# --- Helpers -------------------------------------------------------------------------


def _identity(value):
    if isinstance(value, models.Model):
        return (type(value), value.pk) if value.pk is not None else (type(value), id(value))
    return value


def _constraint_fields(constraint) -> list[str]:
    if isinstance(constraint, models.UniqueConstraint):
        return list(constraint.fields)
    names = []

    def walk(node):
        if isinstance(node, models.Q):
            for child in node.children:
                walk(child)
        elif isinstance(node, tuple):
            names.append(node[0].split("__")[0])
            walk(node[1])
        elif isinstance(node, models.F):
            names.append(node.name.split("__")[0])
        elif hasattr(node, "get_source_expressions"):
            for expression in node.get_source_expressions():
                walk(expression)

    walk(getattr(constraint, "condition", None))
    return list(dict.fromkeys(names))


def _attname(model, name: str) -> str:
    try:
        return model._meta.get_field(name).attname
    except FieldDoesNotExist:
        return name


def _show_value(value) -> str:
    if isinstance(value, models.Model) and hasattr(value, "natural_key"):
        return json.dumps(list(value.natural_key()), ensure_ascii=False)
    return repr(value)


def _show_key(key: tuple) -> str:
    return f"“{key[0]}”" if len(key) == 1 else json.dumps(list(key), ensure_ascii=False)


def _json_type(value) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )


def _suggest(name: str, choices) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f" (did you mean “{close[0]}”?)" if close else ""
