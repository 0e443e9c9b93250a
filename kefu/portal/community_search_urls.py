"""/community/ for the community's search helpers (views in kefu/portal/views/community_search.py).

Included beside the community pages' own urls under the same prefix.
"""

from django.urls import path

from kefu.portal.views import community_search

app_name = "community_search"

urlpatterns = [
    path("similar/", community_search.similar_questions, name="similar"),
]
