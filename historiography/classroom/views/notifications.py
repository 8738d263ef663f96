"""The notification list, a user's choices of what they are told, and the unsubscribe link
of every e-mail (signed, no login)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core import signing
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .. import notifications
from ..access import is_instructor
from ..forms import NotificationSettingsForm
from ..models import Notification, NotificationKind


@login_required
def notification_list(request):
    page = Paginator(Notification.objects.filter(user=request.user).on_site(), 30).get_page(request.GET.get("page"))
    return render(request, "classroom/notification_list.html", {"page": page, "notifications": page.object_list})


@login_required
@require_http_methods(["GET", "HEAD"])
def notification_open(request, pk):
    """Marks the notification read and goes to what it is about."""
    notification = get_object_or_404(Notification.objects.filter(user=request.user), pk=pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    return redirect(notification.url if notification.url.startswith("/") else "classroom:notification-list")


@login_required
@require_POST
def notifications_mark_read(request):
    marked = Notification.objects.filter(user=request.user).unread().update(read_at=timezone.now())
    messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    return redirect("classroom:notification-list")


@login_required
def notification_settings(request):
    kinds = notifications.STUDENT_KINDS + (notifications.INSTRUCTOR_KINDS if is_instructor(request.user) else [])
    current = {
        row.kind: (row.on_site, row.by_email) for row in request.user.notification_preferences.filter(kind__in=kinds)
    }
    form = NotificationSettingsForm(request.POST or None, kinds=kinds, current=current)
    if request.method == "POST" and form.is_valid():
        for kind, (on_site, by_email) in form.choices().items():
            notifications.preference_set(user=request.user, kind=kind, on_site=on_site, by_email=by_email)
        messages.success(request, "Your notification settings are saved.")
        return redirect("classroom:notification-settings")
    return render(request, "classroom/notification_settings.html", {"form": form})


@csrf_exempt  # the signed token is the credential: a mail client's one-click POST (RFC 8058) carries no CSRF token
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET: a page with one button (a link checker that opens every link in a message must
    not unsubscribe anyone); POST, from that button or the mail client's own unsubscribe
    button: no more e-mail of this kind. No login needed."""
    try:
        user_id, kind = notifications.read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "classroom/unsubscribe.html", {"invalid": True}, status=400)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return render(request, "classroom/unsubscribe.html", {"invalid": True}, status=400)
    done = request.method == "POST"
    if done:
        notifications.preference_set(user=user, kind=kind, by_email=False)
    return render(
        request,
        "classroom/unsubscribe.html",
        {"kind_label": NotificationKind(kind).label, "done": done, "token": token},
    )
