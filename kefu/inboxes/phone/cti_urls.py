"""Filled in by the cti work: see urls.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
