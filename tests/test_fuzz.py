"""Fuzzing: no request a user can send, and no value typed into a form, gives a 5xx.

Every URL pattern of the site (walked from the resolver, admin and API included) is
requested with generated path parameters and generated query and form values, as an
anonymous visitor, a student, an instructor and an editor; every form of the project is
filled with generated values. The values mix the names the code reads (form fields,
filters, `request.GET`/`request.POST` keys, found by reading the source) with known slugs
and ids and with hostile text: null bytes, huge and negative numbers, dates in the year
9999, unknown names. Hypothesis runs a fixed number of examples, derandomized, so the
suite takes the same time and finds the same things on every run (SIZE below).
"""

import importlib
import inspect
import pkgutil
import re
import zoneinfo
from collections import defaultdict, deque
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import django_filters
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, URLPattern, URLResolver, converters, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, note, reject
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.views import APIView

import historiography

from .base import BaseTestCase
from .factories import (
    ArgumentFactory,
    EstimateFactory,
    HistorianFactory,
    SchoolFactory,
    WorkFactory,
    make_class,
    make_question,
)

# Examples per URL pattern and user, per form: the suite's size is patterns x 4 users x
# URL_EXAMPLES requests plus forms x FORM_EXAMPLES (printed by test_the_size_of_the_suite).
URL_EXAMPLES = 4
ADMIN_EXAMPLES = 1
FORM_EXAMPLES = 40


def fuzz_settings(examples):
    return hypothesis_settings(
        max_examples=examples,
        derandomize=True,  # the same examples on every run: CI stays stable
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


SOURCE = Path(settings.BASE_DIR) / "historiography"
# The zones furthest east and west of UTC: a date that cannot be shown in both is a 500 waiting.
EXTREME_ZONES = [zoneinfo.ZoneInfo("Pacific/Kiritimati"), zoneinfo.ZoneInfo("Etc/GMT+12")]


# --- The URL patterns ------------------------------------------------------------------


def url_patterns(patterns=None, namespace=None, params=()):
    """(view name, {parameter: regex}, callback) for every pattern under the root URLconf."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        own = dict(_parameters(pattern.pattern))
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from url_patterns(pattern.url_patterns, inner, (*params, *own.items()))
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, dict((*params, *own.items())), pattern.callback


def _parameters(pattern):
    for name, converter in getattr(pattern, "converters", {}).items():
        yield name, converter
    for name in pattern.regex.groupindex:
        if name not in getattr(pattern, "converters", {}):
            yield name, None


# --- Generated values ---------------------------------------------------------------------


def _names_read_in_the_source():
    """Every request key the code reads: request.GET.get("x"), POST.getlist("x"),
    "x" in request.POST, and the f-string prefixes (side_{pk}) of per-row fields."""
    names = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text()
        names.update(re.findall(r"(?:GET|POST)\.(?:get|getlist)\(\s*f?\"([A-Za-z_]+)", text))
        names.update(re.findall(r"\"([A-Za-z_]+)\" in request\.(?:GET|POST)", text))
    return names


def project_forms():
    """Every Form and FilterSet class defined in the project's modules (all imported first)."""
    for module in pkgutil.walk_packages(historiography.__path__, "historiography."):
        if ".migrations" not in module.name and ".management" not in module.name:
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found = [cls for cls in subclasses(forms.BaseForm) if cls.__module__.startswith("historiography")]
    found += [cls for cls in subclasses(django_filters.FilterSet) if cls.__module__.startswith("historiography")]
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def field_names():
    names = _names_read_in_the_source()
    for cls in project_forms():
        names.update(_form_instance(cls, None).fields)
    # The auth forms and the admin's own parameters (search, ordering, page, filters).
    names.update(["username", "password", "old_password", "new_password1", "new_password2", "email"])
    names.update(["q", "o", "p", "e", "_popup", "_to_field", "_changelist_filters", "action", "_selected_action"])
    for model_admin in admin.site._registry.values():
        for entry in model_admin.list_filter:
            if isinstance(entry, str):
                names.update([f"{entry}__exact", f"{entry}__id__exact", f"{entry}__isnull"])
    return sorted(names)


DATES = ["9999-12-31T23:59", "9999-12-31 23:59:59", "0001-01-01T00:00", "2026-02-30T10:00", "1900-01-01", "now"]
NUMBERS = ["0", "-1", "1", "2", "3", "99999999999999999999999", "9223372036854775808", "1e309", "NaN", "1.5", "0x10"]
HOSTILE = ["\x00", "x\x00", "abc", "", " ", "%00", "../..", "<script>", "' OR 1=1 --", "\u202e", "𝕏", "a" * 300]


class Values:
    """Strategies for path parameters and query/form values, seeded with the slugs and ids
    that exist, so a generated request reaches past the 404 as often as not."""

    def __init__(self, slugs, ids):
        self.slugs, self.ids = sorted(slugs), sorted(ids)
        known = st.sampled_from(self.slugs + [str(pk) for pk in self.ids])
        self.text = st.one_of(
            known,
            st.sampled_from(DATES + NUMBERS + HOSTILE + ["on", "yes", "rotate", "remove", "open", "close", "balanced"]),
            st.text(max_size=20),
            st.integers(min_value=-(2**70), max_value=2**70).map(str),
        )
        self.names = st.sampled_from(field_names())

    def unlike(self, offered):
        """A value of another kind than the page offers: words for numbers, anything else for text."""
        if offered and all(value.lstrip("-").isdigit() for value in offered if value):
            return st.one_of(st.sampled_from(self.slugs + DATES + HOSTILE + NUMBERS[4:]), st.text(max_size=10))
        return self.text

    def parameter(self, name, converter):
        if isinstance(converter, converters.IntConverter):
            return st.one_of(st.sampled_from(self.ids), st.integers(min_value=0, max_value=2**80))
        if isinstance(converter, converters.SlugConverter):
            return st.one_of(st.sampled_from(self.slugs), st.from_regex(r"\A[-a-zA-Z0-9_]{1,30}\Z"))
        if name == "format":
            return st.sampled_from(["json", "api", "csv", "xml", "zz9"])
        if converter is not None and converter.regex not in ("[^/]+", ".+"):
            return st.from_regex(rf"\A(?:{converter.regex})\Z")
        # <str:…>, <path:…> and the API's and admin's regex groups: ids, slugs and junk.
        return st.one_of(
            st.sampled_from(self.slugs + [str(pk) for pk in self.ids]),
            st.from_regex(r"\A[^/.?#\x00]{1,20}\Z"),
            st.sampled_from(["historiography", "auth", "axes", "taggit", "0", "-1", "99999999999999999999", "%00"]),
        )

    def data(self, prefixes):
        """A form or query: up to five names the code reads, each with one to three values;
        a per-row name (side_, group_, comment_) gets a known id appended."""
        name = st.one_of(
            self.names,
            st.tuples(st.sampled_from(prefixes or ["x_"]), st.sampled_from(self.ids)).map(lambda t: f"{t[0]}{t[1]}"),
            st.text(min_size=1, max_size=10),
        )
        return st.dictionaries(name, st.lists(self.text, min_size=1, max_size=3), max_size=5)


# --- The suite ------------------------------------------------------------------------------


class FuzzTestCase(BaseTestCase):
    """A scholarship with one of everything, and a class with a debate and a controversy
    that `student` is in and `instructor` teaches; `editor` is staff."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.instructor.groups.add(Group.objects.get(name="Instructor"))
        school = SchoolFactory(slug="revisionist")
        historian = HistorianFactory(slug="conquest", schools=[school])
        work = WorkFactory(slug="great-terror")
        question = make_question(slug="famine")
        ArgumentFactory(
            slug="famine-genocide", historian=historian, work=work, position=question.positions.first(), tags=["famine"]
        )
        ArgumentFactory(slug="no-work", historian=historian, work=None, position=question.positions.last())
        EstimateFactory(slug="deaths", question=question, historian=None, work=None)
        cls.debate, users, _ = make_class(
            cls.instructor, 2, also=[cls.student], slug="debate-question", due_at=timezone.now() + timedelta(days=7)
        )
        cls.controversy, _, _ = make_class(
            cls.instructor,
            3,
            also=[cls.student],
            slug="controversy-question",
            mode="controversy",
            due_at=timezone.now() + timedelta(days=1),
            swap_due_at=timezone.now() + timedelta(days=2),
            consensus_due_at=timezone.now() + timedelta(days=3),
        )
        slugs = set()
        ids = {cls.student.pk, cls.instructor.pk, *(user.pk for user in users)}
        for model in [m for m in _project_models() if m._meta.pk is not None]:
            ids.update(model.objects.values_list("pk", flat=True)[:20])
            if any(field.name == "slug" for field in model._meta.fields):
                slugs.update(model.objects.values_list("slug", flat=True)[:20])
        cls.known = (slugs | {"famine"}, ids | {1, 2, 3})

    def setUp(self):
        self.values = Values(*self.known)  # strategies do not survive setUpTestData's deepcopy
        self.prefixes = sorted(name for name in _names_read_in_the_source() if name.endswith("_"))

    def users(self):
        return {"anonymous": None, "student": self.student, "instructor": self.instructor, "editor": self.editor}

    requests_sent = 0

    def request(self, user, method, path, data):
        """One request in a savepoint rolled back afterwards, so no example changes the next."""
        FuzzTestCase.requests_sent += 1
        with transaction.atomic():
            client = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(user)
            response = client.post(path, data) if method == "POST" else client.get(path, data)
            transaction.set_rollback(True)
        return response

    def assert_no_server_error(self, response, method, path, data):
        self.assertLess(response.status_code, 500, f"{method} {path} {data!r}")
        self.assertNotIn(b"Traceback (most recent call last)", response.content, f"{method} {path} {data!r}")


def _project_models():
    from django.apps import apps

    return [model for model in apps.get_models() if model.__module__.startswith("historiography")]


class PageParser(HTMLParser):
    """The links of a page, and each form's action, method and fields with the values the
    page offers (a select's options, a checkbox's value, a hidden input's)."""

    def __init__(self):
        super().__init__()
        self.links, self.forms = [], []
        self._form = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {"action": attrs.get("action", ""), "method": attrs.get("method", "get").upper(), "fields": {}}
            self.forms.append(self._form)
        elif self._form is not None and attrs.get("name") and tag in ("input", "textarea", "button", "select"):
            self._form["fields"].setdefault(attrs["name"], [])
            if tag == "select":
                self._select = attrs["name"]
            elif attrs.get("value") or tag == "input":
                self._form["fields"][attrs["name"]].append(attrs.get("value", ""))
        elif tag == "option" and self._form is not None and self._select:
            self._form["fields"][self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


class Crawl:
    """What a user is shown: per view name, the path parameters of the links to it, and the
    forms (and query strings) that lead to it. The fuzzing starts from there."""

    def __init__(self, client, pages=60):
        self.kwargs, self.forms = defaultdict(list), defaultdict(list)
        queue, seen, per_view = deque(["/", "/classes/", "/assignments/", "/admin/"]), set(), defaultdict(int)
        while queue and pages:
            url = queue.popleft()
            parts = urlsplit(url)
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/static/"):
                continue
            try:
                match = resolve(parts.path)
            except Resolver404:
                continue
            if parts.query:
                self._add_form(match, "GET", {k: [v] for k, v in parse_qsl(parts.query, keep_blank_values=True)})
            if match.kwargs and match.kwargs not in self.kwargs[match.view_name]:
                self.kwargs[match.view_name].append(match.kwargs)
            if parts.path in seen or per_view[match.view_name] >= 2:
                continue
            seen.add(parts.path)
            per_view[match.view_name] += 1
            pages -= 1
            response = client.get(parts.path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = PageParser()
            parser.feed(response.content.decode())
            queue.extend(parser.links)
            for form in parser.forms:
                action = urlsplit(urljoin(parts.path, form["action"] or parts.path)).path
                try:
                    self._add_form(resolve(action), form["method"], form["fields"])
                except Resolver404:
                    pass

    def _add_form(self, match, method, fields):
        fields = {name: values for name, values in fields.items() if name != "csrfmiddlewaretoken"}
        if fields:
            self.forms[match.view_name].append((match.kwargs, method, fields))


class EveryUrlTests(FuzzTestCase):
    def fuzz_every_url(self, who):
        user = self.users()[who]
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        crawl = Crawl(client)
        sent, patterns = FuzzTestCase.requests_sent, list(url_patterns())
        for name, parameters, callback in patterns:
            view_class = getattr(callback, "cls", None)
            # The API takes GET only: POST is a 405 that never reaches a view.
            methods = ["GET"] if view_class and issubclass(view_class, APIView) else ["GET", "POST"]
            # More examples where the user was shown forms: one per field they can corrupt.
            fields = len({field for _, _, found in crawl.forms[name] for field in found})
            examples = ADMIN_EXAMPLES if name.startswith("admin:") else URL_EXAMPLES + min(fields, 16)
            with self.subTest(url=name, user=who):
                self.fuzz_url(who, name, self.requests(name, parameters, methods, crawl), examples)
        print(f"\nfuzz as {who}: {len(patterns)} URL patterns, {FuzzTestCase.requests_sent - sent} requests")

    def requests(self, name, parameters, methods, crawl):
        """(kwargs, method, data): a form the user was shown, its values kept or replaced by
        junk, or generated parameters and values."""
        generated = st.fixed_dictionaries({key: self.values.parameter(key, conv) for key, conv in parameters.items()})
        if crawl.kwargs[name]:
            generated = st.one_of(st.sampled_from(crawl.kwargs[name]), generated)
        anything = st.tuples(generated, st.sampled_from(methods), self.values.data(self.prefixes))
        if not crawl.forms[name]:
            return anything
        offered = st.sampled_from(crawl.forms[name]).flatmap(self.mutated)
        return st.one_of(offered, offered, offered, anything)

    def mutated(self, form):
        """The form as the page offers it, with one field (or none) given a generated value:
        text where the page offers numbers, anything where it offers text."""
        kwargs, method, fields = form
        offered = {name: st.sampled_from(values or [""]).map(lambda value: [value]) for name, values in fields.items()}
        corrupted = st.sampled_from(sorted(fields)).flatmap(
            lambda name: st.tuples(st.just(name), self.values.unlike(fields[name]).map(lambda value: [value]))
        )
        return st.tuples(st.fixed_dictionaries(offered), st.one_of(st.none(), corrupted, corrupted)).map(
            lambda t: (kwargs, method, {**t[0], **dict([t[1]] if t[1] else [])})
        )

    def fuzz_url(self, who, name, requests, examples):
        user = self.users()[who]

        @fuzz_settings(examples)
        @given(request=requests)
        def check(request):
            kwargs, method, data = request
            try:
                path = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                reject()
            note(f"{who}: {method} {path} {data!r}")
            self.assert_no_server_error(self.request(user, method, path, data), method, path, data)

        check()

    def test_as_anonymous(self):
        self.fuzz_every_url("anonymous")

    def test_as_a_student(self):
        self.fuzz_every_url("student")

    def test_as_an_instructor(self):
        self.fuzz_every_url("instructor")

    def test_as_an_editor(self):
        self.fuzz_every_url("editor")


# --- Every form ---------------------------------------------------------------------------


def _field_value(field, values):
    """Values a person could type into this field: mostly valid ones (so whole forms pass
    and get saved), sometimes anything."""
    junk = values.text
    if isinstance(field, (forms.ModelMultipleChoiceField, forms.MultipleChoiceField)):
        valid = st.lists(_choice(field), min_size=1, max_size=3, unique=True)
        return st.one_of(valid, valid, valid, st.lists(junk, max_size=3))
    if isinstance(field, (forms.ModelChoiceField, forms.ChoiceField)):
        valid = _choice(field).map(lambda value: [value])
    elif isinstance(field, forms.DateTimeField):
        # The whole range Python can hold: its ends cannot be shown in every zone.
        valid = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)).map(
            lambda value: [value.strftime("%Y-%m-%dT%H:%M")]
        )
    elif isinstance(field, forms.IntegerField):
        valid = st.integers(min_value=field.min_value or -(2**70), max_value=field.max_value or 2**70).map(
            lambda value: [str(value)]
        )
    elif isinstance(field, forms.BooleanField):
        return st.sampled_from([["on"], [""], ["false"]])
    else:
        valid = st.text(max_size=30).map(lambda value: [value])
    return st.one_of(valid, valid, valid, junk.map(lambda value: [value]))


def _choice(field):
    choices = [str(value) for value, _ in field.choices if value != ""] if field.choices else []
    return st.sampled_from(choices) if choices else st.just("1")


def _form_instance(cls, data):
    """The form bound to `data`, built the way its view builds it: a FilterSet's form over
    its model's rows; a keyword argument named after a model (`schools=`) gets its rows."""
    if issubclass(cls, django_filters.FilterSet):
        model = cls._meta.model or _argument_model()
        return cls(data, queryset=model.objects.all()).form
    kwargs = {}
    for name, parameter in inspect.signature(cls.__init__).parameters.items():
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is inspect.Parameter.empty:
            kwargs[name] = _constructor_argument(cls, name)
    return cls(data, **kwargs)


def _constructor_argument(cls, name):
    """What the view passes: the named ones below, else the rows of the model the keyword
    is named after. A new form with other arguments fails here: add them below."""
    from historiography.classroom.models import Assignment, NotificationKind

    named = {
        ("NotificationSettingsForm", "kinds"): lambda: list(NotificationKind.values),
        ("NotificationSettingsForm", "current"): dict,
        ("RubricCopyForm", "sources"): lambda: list(Assignment.objects.select_related("course")),
    }
    if (cls.__name__, name) in named:
        return named[(cls.__name__, name)]()
    model = next((m for m in _project_models() if f"{m._meta.model_name}s" == name), None)
    assert model is not None, f"{cls.__qualname__}({name}=...): say in tests/test_fuzz.py what its view passes"
    return list(model.objects.all())


def _argument_model():
    from historiography.models import Argument

    return Argument


class EveryFormTests(FuzzTestCase):
    def test_every_form_takes_any_values(self):
        """is_valid() never raises; a valid ModelForm saves, and every date it saved can be
        shown in the zones furthest east and west of UTC."""
        timezone.activate(zoneinfo.ZoneInfo("Asia/Tokyo"))  # forms read times in the user's zone
        self.addCleanup(timezone.deactivate)
        for cls in project_forms():
            with self.subTest(form=cls.__qualname__):
                self.fuzz_form(cls)

    def fuzz_form(self, cls):
        fields = _form_instance(cls, None).fields

        @fuzz_settings(FORM_EXAMPLES)
        @given(data=st.fixed_dictionaries({n: _field_value(f, self.values) for n, f in fields.items()}))
        def check(data):
            note(f"{cls.__qualname__}({data!r})")
            with transaction.atomic():
                form = _form_instance(cls, MultiValueDict(data))
                if form.is_valid() and isinstance(form, forms.ModelForm):
                    instance = form.save()
                    for field in instance._meta.fields:
                        value = getattr(instance, field.attname)
                        if isinstance(field, models.DateTimeField) and value is not None:
                            for zone in EXTREME_ZONES:
                                timezone.localtime(value, zone)
                transaction.set_rollback(True)

        check()

    def test_no_form_takes_a_date_that_cannot_be_shown_in_every_zone(self):
        """The ends of Python's calendar, typed where they are furthest from UTC, must be a
        form error: saved, they overflow on every page that shows them in the other zone."""
        for cls in project_forms():
            if not issubclass(cls, forms.ModelForm):
                continue
            for name, field in _form_instance(cls, None).fields.items():
                if not isinstance(field, forms.DateTimeField):
                    continue
                model_field = cls._meta.model._meta.get_field(name)
                for zone, text in [("Etc/GMT+12", "9999-12-31T23:59"), ("Pacific/Kiritimati", "0001-01-01T00:00")]:
                    with self.subTest(form=cls.__qualname__, field=name, value=text), timezone.override(zone):
                        with self.assertRaises(ValidationError):
                            model_field.clean(field.clean(text), None)


class SuiteSizeTests(FuzzTestCase):
    def test_it_walks_every_pattern_and_form(self):
        """The walk itself: the admin's, the API's, the auth views' and the site's patterns,
        every form of the project."""
        names = {name for name, _, _ in url_patterns()}
        self.assertGreater(len(names), 120)
        for name in ["admin:index", "api:argument-list", "login", "historiography:question-detail"]:
            self.assertIn(name, names)
        self.assertIn("classroom:course-update", names)
        forms_found = {cls.__qualname__ for cls in project_forms()}
        self.assertLessEqual({"AssignmentForm", "SubmissionForm", "ArgumentListFilter", "SearchForm"}, forms_found)


# Pieces of the search syntax and of what breaks parsers: quotes, minus signs, "or",
# FTS5's and tsquery's own operators, characters the tokenizers read as nothing.
SEARCH_PIECES = [
    '"',
    "-",
    "--",
    "or",
    "OR",
    " ",
    "famine",
    "Lenin's",
    "’s",
    "*",
    "(",
    ")",
    "NOT",
    "AND",
    "NEAR",
    ":",
    "^",
    "!",
    "&",
    "|",
    "<->",
    "'",
    "\x00",
    "é",
    "_",
    "—",
    "1932–33",
    "¹",
    "ǅ",
    "\u0301",
    "\u202e",
    "%",
    "\\",
    "the",
]


class SearchQueryFuzzTests(FuzzTestCase):
    """Whatever is typed in the search box, with whatever operators, answers without a
    server error on both databases (the parser builds FTS5 and tsquery syntax itself)."""

    def test_no_query_string_is_a_server_error(self):
        client, url = Client(raise_request_exception=False), reverse("historiography:search")
        texts = st.lists(st.one_of(st.sampled_from(SEARCH_PIECES), st.text(max_size=4)), max_size=12).map("".join)

        @fuzz_settings(60)
        @given(texts, st.sampled_from(["", "argument", "person", "question"]))
        def check(text, kind):
            note(repr(text))
            with transaction.atomic():
                self.assertLess(client.get(url, {"q": text, "kind": kind}).status_code, 500)

        check()
