"""Filled in by the ivr work: see urls.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
