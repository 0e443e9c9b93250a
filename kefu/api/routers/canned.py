"""/api/v1/canned-replies: the canned replies the token's agent sees, and writing them.

Writes follow the console's rules (kefu.canned.actions): agents keep personal replies,
supervisors share with their teams or everyone, and every language version is checked
for placeholders and by the outbound guard before anything is stored.
"""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from kefu.agents.models import Team
from kefu.api.auth import acting_agent
from kefu.api.schemas import ExampleId
from kefu.canned import actions, selectors
from kefu.canned.models import BODY_FIELDS, CannedReply, Scope
from kefu.core.api_schemas import InputSchema, error_responses
from kefu.core.errors import NotFound

router = Router(tags=["canned replies"])

_LIST_MAX = 200


class CannedReplyIn(InputSchema):
    title: str = Field(max_length=actions.TITLE_MAX, examples=["Withdrawal pending"])
    shortcut: str = Field(max_length=actions.SHORTCUT_MAX, examples=["withdrawal-48h"])
    scope: Scope = Field(examples=["personal"])
    team: str | None = Field(
        default=None, max_length=50, description="The team's slug, for scope `team`."
    )
    body_zh_hans: str = Field(default="", max_length=actions.BODY_MAX)
    body_zh_hant: str = Field(default="", max_length=actions.BODY_MAX)
    body_en: str = Field(default="", max_length=actions.BODY_MAX)

    def for_action(self) -> actions.CannedInput:
        team = None
        if self.team:
            team = Team.objects.filter(slug=self.team).first()
            if team is None:
                raise actions.CannedRefused(actions.no_such_team_message(self.team), "team")
        return actions.CannedInput(
            title=self.title,
            shortcut=self.shortcut,
            scope=self.scope,
            team=team,
            bodies={language: getattr(self, column) for language, column in BODY_FIELDS.items()},
        )


class CannedReplyOut(Schema):
    id: int
    title: str
    shortcut: str
    scope: str
    team: str | None
    body_zh_hans: str
    body_zh_hant: str
    body_en: str
    languages: list[str]
    usage_count: int
    last_used_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, reply: CannedReply) -> "CannedReplyOut":
        return cls(
            id=reply.pk,
            title=reply.title,
            shortcut=reply.shortcut,
            scope=reply.scope,
            team=reply.team.slug if reply.team else None,
            body_zh_hans=reply.body_zh_hans,
            body_zh_hant=reply.body_zh_hant,
            body_en=reply.body_en,
            languages=[str(language) for language in reply.languages()],
            usage_count=reply.usage_count,
            last_used_at=reply.last_used_at,
            created_at=reply.created_at,
            updated_at=reply.updated_at,
        )


class CannedReplyList(Schema):
    items: list[CannedReplyOut]


class CannedFilter(InputSchema):
    q: str = Field(
        default="", max_length=100, description="Shortcut prefix, or words of the title or text."
    )
    scope: Scope | None = None


def _visible(request: HttpRequest, reply_id: int) -> CannedReply:
    reply = selectors.visible_reply(acting_agent(request), reply_id)
    if reply is None:
        raise NotFound(actions.not_found_message())
    return reply


_WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)


@router.get(
    "",
    response={200: CannedReplyList, **error_responses(401, 422)},
    summary="List canned replies",
    description=(
        "Global replies, the token agent's personal ones and those of its teams; most used first."
    ),
)
def list_canned_replies(request: HttpRequest, filters: Query[CannedFilter]) -> CannedReplyList:
    scope = str(filters.scope) if filters.scope else ""
    replies = selectors.search(acting_agent(request), filters.q, scope)[:_LIST_MAX]
    return CannedReplyList(items=[CannedReplyOut.of(reply) for reply in replies])


@router.post(
    "",
    response={201: CannedReplyOut, **_WRITE_ERRORS},
    summary="Create a canned reply",
    description=(
        "At least one of the three texts is required. Placeholders: `{{customer_name}}`, "
        "`{{ticket}}`, `{{agent_name}}`, `{{agent_id}}`, `{{verify_url}}`, "
        "`{{help_center_url}}`, `{{portal_url}}`; any other is refused with 422 "
        "`canned_reply_invalid`. A text the outbound guard would block is refused with 422 "
        "`outbound_blocked` (with `reasons`). Personal replies belong to the token's agent; "
        "team and global ones need a supervisor (of that team)."
    ),
)
def create_canned_reply(request: HttpRequest, payload: CannedReplyIn) -> Status[CannedReplyOut]:
    reply = actions.create_canned_reply(actor=acting_agent(request), data=payload.for_action())
    return Status(201, CannedReplyOut.of(reply))


@router.get(
    "/{reply_id}",
    response={200: CannedReplyOut, **error_responses(401, 404, 422)},
    summary="Get a canned reply",
)
def get_canned_reply(request: HttpRequest, reply_id: ExampleId) -> CannedReplyOut:
    return CannedReplyOut.of(_visible(request, reply_id))


@router.put(
    "/{reply_id}",
    response={200: CannedReplyOut, **_WRITE_ERRORS},
    summary="Replace a canned reply",
    description="Every field as for creating; the texts are checked again.",
)
def update_canned_reply(
    request: HttpRequest, reply_id: ExampleId, payload: CannedReplyIn
) -> CannedReplyOut:
    reply = _visible(request, reply_id)
    data = payload.for_action()
    return CannedReplyOut.of(
        actions.update_canned_reply(actor=acting_agent(request), reply=reply, data=data)
    )


@router.delete(
    "/{reply_id}",
    response={204: None, **error_responses(401, 403, 404, 422)},
    summary="Delete a canned reply",
)
def delete_canned_reply(request: HttpRequest, reply_id: ExampleId) -> Status[None]:
    actions.delete_canned_reply(actor=acting_agent(request), reply=_visible(request, reply_id))
    return Status(204, None)
