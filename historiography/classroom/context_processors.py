from django.utils.functional import SimpleLazyObject

from .notifications import unread_count


def notifications(request):
    """The header's unread count: one query, and only for a logged-in user on a page
    that shows it (the value is computed when the template first reads it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
