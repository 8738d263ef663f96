"""Sign-up: students with a course join code, instructors with a request (“I teach”);
e-mail verification; the user's time zone."""

from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from .. import onboarding, services
from ..forms import InstructorSignUpForm, SignUpForm, TimezoneForm
from ..middleware import SESSION_KEY
from ..services import ServiceError


def _next_url(request, default):
    """The page to go back to: `next` when it is a path on this site, else `default`. Only
    a path (never a URL name, which `redirect()` would try to reverse, nor another host)."""
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(next_url)
    return redirect(default)


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    """A student account, created and enrolled in one go: a bad code creates nothing."""
    if request.user.is_authenticated:
        return redirect("classroom:course-list")
    form = SignUpForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
                course = services.course_join(student=user, code=form.cleaned_data["code"])
        except ServiceError as error:
            form.add_error("code", str(error))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome! You are in “{course.title}”.")
            return redirect(course)
    return render(request, "registration/signup.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def set_timezone(request):
    """The zone chosen here, or detected by the browser (static/js/timezone.js posts it
    once, `detected=1`, and is answered 204), kept in the session and on the profile."""
    form = TimezoneForm(request.POST or None, initial={"timezone": request.session.get(SESSION_KEY, "UTC")})
    detected = request.POST.get("detected") == "1"
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["timezone"]
        request.session[SESSION_KEY] = name
        if request.user.is_authenticated:
            services.profile_set_timezone(user=request.user, name=name)
        if detected:
            return HttpResponse(status=204)
        messages.success(request, f"Times are now shown in {name}.")
        return _next_url(request, "historiography:home")
    if detected:
        return HttpResponse(status=400)
    return render(request, "registration/timezone.html", {"form": form, "next": request.GET.get("next", "")})


@require_http_methods(["GET", "HEAD", "POST"])
def teach_signup(request):
    """“I teach”: an instructor request with an inactive account; a link confirms the address."""
    if request.user.is_authenticated:
        return redirect("classroom:course-list")
    form = InstructorSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            onboarding.instructor_request_create(
                username=data["username"],
                password=data["password1"],
                name=data["name"],
                institution=data["institution"],
                email=data["email"],
                course=data["course"],
            )
        except ServiceError as error:
            form.add_error("email", str(error))
        else:
            return render(request, "registration/teach_requested.html", {"email": data["email"]})
    return render(request, "registration/teach_signup.html", {"form": form})


@require_http_methods(["GET", "HEAD"])
def verify_email(request, token):
    """The link in the verification e-mail. Using it twice changes nothing."""
    try:
        instructor_request = onboarding.instructor_request_verify(token=token)
    except ServiceError as error:
        return render(request, "registration/verify_email.html", {"error": str(error)}, status=400)
    return render(request, "registration/verify_email.html", {"instructor_request": instructor_request})
