"""The site's own page for a refused form (CSRF_FAILURE_VIEW): in the site's design, with
the text the visitor typed, so nothing written is lost when a session changed in another
tab or expired."""

from django.shortcuts import render

# Form fields never shown back: secrets, and the form's own machinery.
HIDDEN_FIELDS = {"csrfmiddlewaretoken", "version", "next", "password", "password1", "password2", "old_password"}


def _typed_text(post):
    """(label, text) for each non-empty text the visitor sent, the statement first."""
    texts = []
    for name, value in post.items():
        if name in HIDDEN_FIELDS or "password" in name or not value.strip():
            continue
        if name == "statement":
            texts.insert(0, ("Your statement", value))
        elif name.startswith("comment"):
            texts.append(("Your comment on a piece of evidence", value))
        elif len(value) > 40 or "\n" in value:
            texts.append((name.replace("_", " ").capitalize(), value))
    return texts


def csrf_failure(request, reason=""):
    back = request.path if request.method == "POST" else "/"
    return render(request, "403_csrf.html", {"texts": _typed_text(request.POST), "back": back}, status=403)
