"""/community/: the public community (views in kefu/portal/views/community.py)."""

from django.urls import path

from kefu.portal.views import community, community_notices, community_search

app_name = "community"

urlpatterns = [
    path("", community.home, name="home"),
    # Questions like the one being typed into the ask form (community-similar.js).
    path("similar/", community_search.similar_questions, name="similar"),
    # The link in community notices: asks before it unsubscribes.
    path("unsubscribe/<str:token>/", community_notices.unsubscribe, name="unsubscribe"),
    path("join/", community.join, name="join"),
    path("ask/", community.ask, name="ask"),
    path("c/<slug:slug>/", community.category, name="category"),
    path("q/<id:question_id>/", community.question, name="question"),
    path("q/<id:question_id>/answer/", community.answer, name="answer"),
    path("q/<id:question_id>/subscribe/", community.subscribe, name="subscribe"),
    path("q/<id:question_id>/support/", community.ask_support, name="ask_support"),
    # The slug is for people reading the address; the id alone finds the question.
    path("q/<id:question_id>/<str:slug>/", community.question, name="question_slug"),
    path("p/<id:post_id>/comment/", community.comment, name="comment"),
    path("p/<id:post_id>/vote/", community.vote, name="vote"),
    path("p/<id:post_id>/accept/", community.accept, name="accept"),
    path("p/<id:post_id>/report/", community.report, name="report"),
    path("p/<id:post_id>/edit/", community.edit, name="edit"),
]
