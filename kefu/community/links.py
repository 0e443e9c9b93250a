"""Where the community's pages are, for what links to them from elsewhere.

The pages are the portal's (kefu/portal/community_urls.py) and the console's; this app
sits below both, so it names them by URL name, never by import. Mails, tickets and
alerts are read off the site, so they get the whole address.
"""

from django.urls import reverse

from kefu.core.public_address import absolute_url


def question_path(question_id: int) -> str:
    """The public question page; the id alone finds it (the slug is optional)."""
    return reverse("community:question", args=[question_id])


def question_url(question_id: int) -> str:
    return absolute_url(question_path(question_id))


def console_post_path(post_id: int) -> str:
    """Where a moderator looks at one post (a held post's safety alert keeps this)."""
    return reverse("console:community_post", args=[post_id])
