"""Who may do what. Actions call these; views only translate the refusal."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kefu.agents.models import Agent, Role


def require_role(agent: Agent, role: Role) -> None:
    if not agent.is_active or not agent.has_role(role):
        raise PermissionDenied(
            _("This needs the %(role)s role or higher.") % {"role": Role(role).label}
        )


def require_agent(agent: Agent) -> None:
    if not agent.is_active:
        raise PermissionDenied(_("This account is disabled."))
