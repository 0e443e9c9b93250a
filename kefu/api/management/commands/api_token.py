"""`kefu api_token create`: issue a REST API token for a script, from the server's shell."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from kefu.agents.models import Agent
from kefu.api import actions
from kefu.inboxes.models import Channel, Inbox


class Command(BaseCommand):
    help = "Create an API token acting as an agent; it is printed once and only its hash kept."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        create = subcommands.add_parser("create", help="Create a token and print it once.")
        create.add_argument(
            "--agent", required=True, help="Email or username of the agent the token acts as."
        )
        create.add_argument("--name", required=True, help="What the token is for, e.g. crm-sync.")
        create.add_argument(
            "--inbox",
            type=int,
            help="Id of the API inbox its conversations go to (needed when there are several).",
        )

    def handle(self, *args: Any, agent: str, name: str, inbox: int | None, **options: Any) -> None:
        name = name.strip()
        if not name or len(name) > 100:
            raise CommandError("--name must be 1 to 100 characters.")
        acts_as = _agent(agent)
        try:
            token, key = actions.create_token_for_operator(
                name=name, inbox=_api_inbox(inbox), acts_as=acts_as
            )
        except ValueError as refused:
            raise CommandError(str(refused)) from refused
        # The token alone on stdout, so `TOKEN=$(kefu api_token create …)` works; the
        # explanation goes to stderr.
        self.stderr.write(
            f"Token {token.prefix}… for {acts_as.username} on inbox {token.inbox_id} "
            "(shown only this once; store it now):"
        )
        self.stdout.write(key)


def _agent(identifier: str) -> Agent:
    identifier = identifier.strip()
    # Agents without an email have it empty: an empty answer must match nobody.
    found = (
        list(Agent.objects.filter(Q(email__iexact=identifier) | Q(username__iexact=identifier))[:2])
        if identifier
        else []
    )
    if len(found) != 1:
        problem = "No agent has" if not found else "Several agents have"
        raise CommandError(f"{problem} the email or username {identifier!r}.")
    return found[0]


def _api_inbox(inbox_id: int | None) -> Inbox:
    inboxes = Inbox.objects.filter(channel=Channel.API, is_active=True).order_by("pk")
    if inbox_id is not None:
        chosen = inboxes.filter(pk=inbox_id).first()
        if chosen is None:
            raise CommandError(f"Inbox {inbox_id} is not an active API inbox.{_listing(inboxes)}")
        return chosen
    found = list(inboxes[:2])
    if len(found) == 1:
        return found[0]
    if not found:
        raise CommandError("There is no active API inbox: add one in the admin (Inboxes) first.")
    raise CommandError(
        f"There are several API inboxes: choose one with --inbox.{_listing(inboxes)}"
    )


def _listing(inboxes: Any) -> str:
    return "".join(f"\n  {inbox.pk}: {inbox.name}" for inbox in inboxes)
