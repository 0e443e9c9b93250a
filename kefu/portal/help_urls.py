"""/help/: the public help center (views in kefu/portal/views/help.py)."""

from django.urls import path

from kefu.portal.views import help

app_name = "help"

urlpatterns = [
    path("", help.help_home, name="home"),
    path("search/", help.search_results, name="search"),
    path("articles/<slug:slug>/", help.article, name="article"),
    path("articles/<slug:slug>/vote/", help.vote, name="vote"),
    path("<slug:slug>/", help.category, name="category"),
]
