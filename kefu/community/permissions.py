"""Who may act for the community from the console. Actions call these; views translate
the refusal (Django's PermissionDenied, as for every other console permission)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kefu.agents.models import Agent, Role
from kefu.agents.permissions import require_agent, require_role


def require_staff(agent: Agent) -> None:
    """Any active agent may answer officially: answering is the job of every tier."""
    require_agent(agent)


def require_moderator(agent: Agent) -> None:
    """Hiding, locking, merging and banning change what customers see of each other:
    supervisors and administrators only."""
    require_role(agent, Role.SUPERVISOR)


def is_moderator(agent: Agent) -> bool:
    try:
        require_moderator(agent)
    except PermissionDenied:
        return False
    return True


def require_self(agent: Agent, author: Agent) -> None:
    if agent.pk != author.pk:
        raise PermissionDenied(_("Only the author can do this."))
