"""/community/unsubscribe/: the link in community notices (views in views/community_notices.py).

Kept apart from the community pages' URLconf so the two can grow independently; it is
included before them from kefu/urls.py.
"""

from django.urls import path

from kefu.portal.views import community_notices

app_name = "community_notices"

urlpatterns = [
    path("<str:token>/", community_notices.unsubscribe, name="unsubscribe"),
]
