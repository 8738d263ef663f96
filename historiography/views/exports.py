"""Citations and exports: BibTeX and CSL-JSON for arguments and works, a question's
bibliography, a printable handout and its argument graph in AIF. Fixed query counts."""

import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .. import aif, argdown, citations
from ..models import Argument, ArgumentRelation, Question, Work
from .scholarship import previews_drafts, private

CSL_CONTENT_TYPE = "application/vnd.citationstyles.csl+json; charset=utf-8"
BIBTEX_CONTENT_TYPE = "application/x-bibtex; charset=utf-8"
RIS_CONTENT_TYPE = "application/x-research-info-systems; charset=utf-8"
ARGDOWN_CONTENT_TYPE = "text/plain; charset=utf-8"


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csl(items, filename):
    return _download(json.dumps(items, ensure_ascii=False, indent=2), CSL_CONTENT_TYPE, filename)


def _published_argument(slug):
    return get_object_or_404(Argument.objects.published().for_citations(), slug=slug)


def _work_download(request, slug, make, content_type, extension):
    """A published work's citation, naming its published authors only. An editor previewing
    a draft work (its page links here) gets one too, never cached."""
    preview = previews_drafts(request, Work)
    works = Work.objects.prefetch_related("authors") if preview else Work.objects.published().with_authors()
    work = get_object_or_404(works, slug=slug)
    response = _download(make(work), content_type, f"{work.slug}.{extension}")
    return private(response) if preview else response


def _published_question(slug):
    return get_object_or_404(Question.objects.published().with_topic().with_positions(), slug=slug)


@require_safe
def argument_bibtex(request, slug):
    argument = _published_argument(slug)
    return _download(citations.argument_bibtex(argument), BIBTEX_CONTENT_TYPE, f"{argument.slug}.bib")


@require_safe
def argument_csl(request, slug):
    argument = _published_argument(slug)
    return _csl([citations.argument_csl(argument)], f"{argument.slug}.json")


@require_safe
def argument_ris(request, slug):
    argument = _published_argument(slug)
    return _download(citations.argument_ris(argument), RIS_CONTENT_TYPE, f"{argument.slug}.ris")


@require_safe
def work_ris(request, slug):
    return _work_download(request, slug, citations.work_ris, RIS_CONTENT_TYPE, "ris")


@require_safe
def work_bibtex(request, slug):
    return _work_download(request, slug, citations.work_bibtex, BIBTEX_CONTENT_TYPE, "bib")


@require_safe
def work_csl(request, slug):
    csl = lambda work: json.dumps([citations.work_csl(work)], ensure_ascii=False, indent=2)  # noqa: E731
    return _work_download(request, slug, csl, CSL_CONTENT_TYPE, "json")


def _question_sources(question):
    """The question's published arguments with what a citation needs: historian or school,
    source (without its text), work, authors."""
    return Argument.objects.published().for_question(question).for_citations().order_by("position__order", "year", "pk")


@require_safe
def question_bibliography(request, slug):
    question = _published_question(slug)
    return _csl(citations.bibliography_csl(_question_sources(question)), f"{question.slug}-bibliography.json")


@require_safe
def question_handout(request, slug):
    """The whole comparison on paper: positions side by side, every argument with its
    Chicago note, and the bibliography."""
    question = _published_question(slug)
    arguments = list(_question_sources(question).with_examples())
    columns = [
        (position, [a for a in arguments if a.position_id == position.pk]) for position in question.positions.all()
    ]
    estimates = list(question.estimates.published().for_chart())
    return render(
        request,
        "historiography/question_handout.html",
        {
            "question": question,
            "columns": columns,
            "argument_count": len(arguments),
            "estimates": estimates,
            "bibliography": citations.chicago_bibliography_html(arguments),
        },
    )


@require_safe
def question_aif(request, slug):
    question = _published_question(slug)
    arguments = list(
        Argument.objects.published()
        .for_question(question)
        .select_related("historian", "school")
        .order_by("position__order", "year", "pk")
    )
    relations = ArgumentRelation.objects.filter(source__in=arguments, target__in=arguments)
    graph = aif.question_graph(question, list(question.positions.all()), arguments, relations)
    response = JsonResponse(graph, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{question.slug}.aif.json"'
    return response


@require_safe
def question_argdown(request, slug):
    """The question as Argdown text: positions, arguments with their quotations and
    notes, and the relations between them."""
    question = _published_question(slug)
    arguments = list(_question_sources(question))
    relations = ArgumentRelation.objects.filter(source__in=arguments, target__in=arguments)
    text = argdown.question_argdown(
        question,
        list(question.positions.all()),
        arguments,
        relations,
        url=request.build_absolute_uri(question.get_absolute_url()),
    )
    return _download(text, ARGDOWN_CONTENT_TYPE, f"{question.slug}.argdown")
