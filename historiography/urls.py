from django.urls import path

from .views import compare, exports, scholarship

app_name = "historiography"

urlpatterns = [
    path("", scholarship.home, name="home"),
    path("topics/<slug:slug>/", scholarship.topic_detail, name="topic-detail"),
    path("questions/<slug:slug>/", scholarship.question_detail, name="question-detail"),
    path("arguments/", scholarship.argument_list, name="argument-list"),
    path("arguments/<slug:slug>/", scholarship.argument_detail, name="argument-detail"),
    path("arguments/<slug:slug>/context/", scholarship.argument_context, name="argument-context"),
    path("historians/", scholarship.historian_list, name="historian-list"),
    path("historians/<slug:slug>/", scholarship.historian_detail, name="historian-detail"),
    path("people/suggest/", scholarship.people_suggest, name="people-suggest"),
    path("schools/", scholarship.school_list, name="school-list"),
    path("schools/<slug:slug>/", scholarship.school_detail, name="school-detail"),
    path("works/<slug:slug>/", scholarship.work_detail, name="work-detail"),
    path("tags/", scholarship.tag_list, name="tag-list"),
    path("tags/<slug:slug>/", scholarship.tag_detail, name="tag-detail"),
    path("search/", scholarship.search, name="search"),
    # Citations and exports
    path("arguments/<slug:slug>/cite.bib", exports.argument_bibtex, name="argument-bibtex"),
    path("arguments/<slug:slug>/cite.json", exports.argument_csl, name="argument-csl"),
    path("arguments/<slug:slug>/cite.ris", exports.argument_ris, name="argument-ris"),
    path("works/<slug:slug>/cite.bib", exports.work_bibtex, name="work-bibtex"),
    path("works/<slug:slug>/cite.ris", exports.work_ris, name="work-ris"),
    path("works/<slug:slug>/cite.json", exports.work_csl, name="work-csl"),
    path("questions/<slug:slug>/bibliography.json", exports.question_bibliography, name="question-bibliography"),
    path("questions/<slug:slug>/handout/", exports.question_handout, name="question-handout"),
    path("questions/<slug:slug>/aif.json", exports.question_aif, name="question-aif"),
    path("questions/<slug:slug>/argdown", exports.question_argdown, name="question-argdown"),
    path("compare/schools/", compare.compare_schools, name="compare-schools"),
    path("compare/historians/", compare.compare_historians, name="compare-historians"),
    path("timeline/", compare.debate_timeline, name="timeline"),
]
