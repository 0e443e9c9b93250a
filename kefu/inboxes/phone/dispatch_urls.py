"""Filled in by the dispatch work: see urls.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
