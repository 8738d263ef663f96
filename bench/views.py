"""The baseline of `make bench`: the least a Django page costs on this server (the whole
middleware stack and a small template, no database). Served only under `bench.settings`."""

from django.shortcuts import render


def minimal(request):
    return render(request, "bench/minimal.html", {"title": "Minimal page", "items": ["one", "two", "three"]})
