"""Sign-up with a course join code, and the user's time zone."""

from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from .. import services
from ..forms import SignUpForm, TimezoneForm
from ..services import ServiceError


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


def set_timezone(request):
    form = TimezoneForm(request.POST or None, initial={"timezone": request.session.get("timezone", "UTC")})
    if request.method == "POST" and form.is_valid():
        request.session["timezone"] = form.cleaned_data["timezone"]
        messages.success(request, f"Times are now shown in {form.cleaned_data['timezone']}.")
        next_url = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(next_url)
        return redirect("historiography:home")
    return render(request, "registration/timezone.html", {"form": form, "next": request.GET.get("next", "")})
