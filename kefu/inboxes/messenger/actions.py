"""Writes of the Messenger channel: a page's settings, the official entry that lets
customers check it is really us, and subscribing our app to the page's events."""

from django.db import transaction
from django.urls import reverse

from kefu.core.public_address import absolute_url
from kefu.inboxes.messenger import graph
from kefu.inboxes.messenger.inbound import GET_STARTED
from kefu.inboxes.messenger.models import FacebookPage
from kefu.inboxes.models import Channel, Inbox
from kefu.safety.actions import register_official_channel
from kefu.safety.models import OfficialKind

# What the app hears of the page: messages (with echoes of our own), button presses, and
# the feed for comment screening.
SUBSCRIBED_FIELDS = "messages,messaging_postbacks,feed"


def webhook_url(inbox: Inbox) -> str:
    return absolute_url(reverse("messenger:webhook", args=[inbox.pk]))


def register_official(page: FacebookPage) -> None:
    """List the page's @username (or, without one, its id: facebook.com/<id> is the page
    too) on the verification page, under the page's name. The name is the label, never
    a value that verifies: any page may take the same name."""
    register_official_channel(
        kind=OfficialKind.FACEBOOK, value=page.username or page.page_id, label=page.name
    )


def save_page(
    *,
    inbox: Inbox,
    page_id: str,
    name: str,
    app_secret: str,
    page_access_token: str,
    username: str = "",
    verify_token: str = "",
) -> FacebookPage:
    """Create or update the page an inbox answers, and list it as official."""
    if inbox.channel != Channel.MESSENGER:
        raise ValueError("A Facebook page belongs to a Messenger inbox.")
    defaults = {
        "page_id": page_id,
        "name": name,
        "username": username.lstrip("@"),
        "app_secret": app_secret,
        "page_access_token": page_access_token,
    }
    if verify_token:
        defaults["verify_token"] = verify_token
    with transaction.atomic():
        page, _ = FacebookPage.objects.update_or_create(inbox=inbox, defaults=defaults)
        register_official(page)
    return page


def subscribe(page: FacebookPage) -> None:
    """Have Meta send the page's events to our app, and give the Get Started button the
    payload the receiver answers with the welcome. Raises graph.GraphError (the admin
    shows it): a page whose token Meta refuses is saved but hears nothing."""
    graph.call(
        page,
        "POST",
        f"{page.page_id}/subscribed_apps",
        data={"subscribed_fields": SUBSCRIBED_FIELDS},
    )
    graph.call(
        page,
        "POST",
        f"{page.page_id}/messenger_profile",
        json={"get_started": {"payload": GET_STARTED}},
    )
