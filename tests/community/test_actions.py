"""The community's writes: posting, counters, votes, accepting, reports and moderation."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.agents.models import Agent, Role
from kefu.community import actions, errors
from kefu.community.links import console_post_path
from kefu.community.models import (
    HoldReason,
    Member,
    Post,
    PostFile,
    PostKind,
    PostReport,
    Question,
    SearchDocument,
    Subscription,
    Visibility,
    Vote,
)
from kefu.community.selectors import member_for
from kefu.contacts.models import Contact
from kefu.core.errors import KefuError
from kefu.core.models import AuditEntry
from kefu.safety.models import OfficialChannel, OfficialKind, SafetyAlert
from kefu.safety.outbound import OutboundBlocked

pytestmark = pytest.mark.django_db

PHRASE = "abandon ability able about above absent absorb abstract absurd abuse access accident"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + b"\0" * 40


def _ask(author: Member | Agent, body: str = "Where is my deposit?", **fields: object) -> Question:
    values: dict[str, object] = {"title": "Deposit not credited", "language": "en", **fields}
    return actions.ask(author=author, body=body, **values)  # type: ignore[arg-type]


def _opening(question: Question) -> Post:
    return Post.objects.get(question=question, kind=PostKind.QUESTION)


def _every_stored_text() -> str:
    """Every row of every community table, the safety alerts and the audit log, as text."""
    rows: list[str] = []
    for model in apps.get_app_config("community").get_models():
        rows.extend(str(row) for row in model._default_manager.values())
    rows.extend(str(row) for row in SafetyAlert.objects.values())
    rows.extend(str(row) for row in AuditEntry.objects.values())
    return "\n".join(rows)


# --- joining ---------------------------------------------------------------------------------


class TestJoin:
    def test_a_contact_joins_once(self, contact_factory: Callable[..., Contact]) -> None:
        contact = contact_factory(email="c@example.com")
        assert member_for(contact) is None
        member = actions.join(contact=contact, display_name="  Crypto  Cat ")
        assert member.display_name == "Crypto Cat"
        assert actions.join(contact=contact, display_name="Other") == member
        assert member_for(contact) == member

    def test_a_name_is_taken_whatever_its_width_or_case(
        self, contact_factory: Callable[..., Contact]
    ) -> None:
        actions.join(contact=contact_factory(email="a@example.com"), display_name="Alice")
        with pytest.raises(errors.NameTaken):
            actions.join(contact=contact_factory(email="b@example.com"), display_name="ＡＬＩＣＥ")

    @pytest.mark.parametrize(
        "name",
        ["Official", "0fficial Team", "Support_Desk", "ＡＤＭＩＮ", "客服小王", "官方", "客 服",
         "管理員", "Kefu Help", "S", "x" * 41],
    )  # fmt: skip
    def test_names_that_pass_for_staff_or_are_out_of_bounds_are_refused(
        self, contact_factory: Callable[..., Contact], name: str
    ) -> None:
        with pytest.raises(errors.NameInvalid):
            actions.join(contact=contact_factory(email="n@example.com"), display_name=name)
        assert not Member.objects.exists()

    def test_a_secret_as_a_name_is_refused_and_not_stored(
        self, contact_factory: Callable[..., Contact]
    ) -> None:
        with pytest.raises(errors.NameInvalid):
            actions.join(
                contact=contact_factory(email="n@example.com"), display_name="password: Hunter2!x"
            )
        assert not Member.objects.exists()


# --- posting ---------------------------------------------------------------------------------


class TestAsk:
    def test_a_trusted_member_asks_and_it_is_published(self, member: Member) -> None:
        question = _ask(member)
        assert question.visibility == Visibility.PUBLISHED
        assert _opening(question).hold_reasons == []
        assert SearchDocument.objects.filter(question=question).exists()
        assert Subscription.objects.filter(question=question, member=member).exists()
        member.refresh_from_db()
        assert member.approved_posts == 11

    def test_a_new_members_first_posts_are_held(
        self, member_factory: Callable[..., Member], moderator: Agent
    ) -> None:
        newcomer = member_factory("Bob", trusted=False)
        question = _ask(newcomer)
        assert question.visibility == Visibility.HELD
        assert _opening(question).hold_reasons == [HoldReason.FIRST_POSTS]
        assert not SearchDocument.objects.exists()
        actions.approve(actor=moderator, post=_opening(question))
        question.refresh_from_db()
        assert question.visibility == Visibility.PUBLISHED
        assert SearchDocument.objects.filter(question=question).exists()
        second = _ask(newcomer, title="Second")
        assert second.visibility == Visibility.HELD  # one approved post is not yet two
        actions.approve(actor=moderator, post=_opening(second))
        assert _ask(newcomer, title="Third").visibility == Visibility.PUBLISHED

    @pytest.mark.parametrize(
        ("title", "body", "error"),
        [
            ("", "body", errors.TitleRequired),
            ("   ", "body", errors.TitleRequired),
            ("t" * 201, "body", errors.TitleTooLong),
            ("Title", "", errors.EmptyPost),
            ("Title", " \n\t ", errors.EmptyPost),
            ("Title", "x" * 20_001, errors.PostTooLong),
        ],
    )
    def test_bad_input_is_refused_and_nothing_is_stored(
        self, member: Member, title: str, body: str, error: type[Exception]
    ) -> None:
        with pytest.raises(error):
            actions.ask(author=member, title=title, body=body, language="en")
        assert not Question.objects.exists()
        assert not Post.objects.exists()

    def test_files_must_be_images(self, member: Member) -> None:
        text = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
        with pytest.raises(errors.FileRejected):
            _ask(member, files=[text])
        fake = SimpleUploadedFile("shot.png", b"MZ\x90\x00not a png", content_type="image/png")
        with pytest.raises(errors.FileRejected):
            _ask(member, files=[fake])
        assert not Question.objects.exists()
        question = _ask(member, files=[SimpleUploadedFile("shot.png", PNG, "image/png")])
        stored = PostFile.objects.get(post__question=question)
        assert stored.content_type == "image/png"
        assert stored.file_name == "shot.png"

    def test_an_oversized_file_is_refused(self, member: Member, settings: object) -> None:
        settings.KEFU_MAX_ATTACHMENT_BYTES = 10  # type: ignore[attr-defined]
        with pytest.raises(KefuError):
            _ask(member, files=[SimpleUploadedFile("big.png", PNG, "image/png")])
        assert not Question.objects.exists()

    def test_members_are_rate_limited_agents_are_not(self, member: Member, agent: Agent) -> None:
        for number in range(actions.POST_LIMIT.attempts):
            _ask(member, title=f"Question {number}")
        with pytest.raises(errors.RateLimited):
            _ask(member, title="One too many")
        for number in range(actions.POST_LIMIT.attempts + 1):
            _ask(agent, title=f"Announcement {number}")


class TestSecretsAreNeverStored:
    def test_in_title_body_comment_and_file_name(
        self, member: Member, agent: Agent, settings: object
    ) -> None:
        upload = SimpleUploadedFile(f"{PHRASE}.png", PNG, "image/png")
        question = _ask(member, title=f"seed {PHRASE}", body=f"my words {PHRASE}", files=[upload])
        opening = _opening(question)
        assert opening.visibility == Visibility.HELD
        assert HoldReason.SECRET in opening.hold_reasons
        answer = actions.answer(author=agent, question=question, body="We removed it.")
        comment = actions.comment(author=member, parent=answer, body=f"here again {PHRASE}")
        assert comment.visibility == Visibility.HELD
        assert comment.hold_reasons == [HoldReason.SECRET]
        actions.edit(author=member, post=comment, body=f"and {PHRASE}")
        stored = _every_stored_text()
        assert "abandon" not in stored
        assert "accident" not in stored
        media = Path(settings.MEDIA_ROOT)  # type: ignore[attr-defined]
        assert all("abandon" not in path.name for path in media.rglob("*"))
        alerts = SafetyAlert.objects.filter(kind=SafetyAlert.Kind.COMMUNITY_POST)
        assert alerts.count() == 3
        alert = alerts.first()
        assert alert is not None
        assert alert.conversation is None
        assert alert.link == console_post_path(opening.pk)


class TestHeldForReview:
    def test_a_lookalike_link_is_held(self, member: Member) -> None:
        OfficialChannel.objects.create(kind=OfficialKind.DOMAIN, value="kefu.com")
        question = _ask(member, body="Sign in at https://kefu-verify.com to unlock it")
        assert _opening(question).hold_reasons == [HoldReason.LOOKALIKE_LINK]

    @pytest.mark.parametrize(
        "body", ["DM me for support, I work there", "私信我，我是客服", "私訊我，我是客服"]
    )
    def test_an_impostors_answer_is_held(self, member: Member, body: str) -> None:
        question = _ask(member)
        scammer = Member.objects.create(
            contact=Contact.objects.create(name="x"),
            display_name="Helper",
            name_key="helper",
            approved_posts=50,
        )
        answer = actions.answer(author=scammer, question=question, body=body)
        assert answer.visibility == Visibility.HELD
        assert answer.hold_reasons == [HoldReason.OFF_PLATFORM]
        question.refresh_from_db()
        assert question.answer_count == 0

    def test_an_official_answer_asking_for_a_phrase_is_refused(
        self, member: Member, agent: Agent
    ) -> None:
        question = _ask(member)
        with pytest.raises(OutboundBlocked):
            actions.answer(
                author=agent, question=question, body="Please send us your recovery phrase."
            )
        assert not Post.objects.filter(kind=PostKind.ANSWER).exists()
        alert = SafetyAlert.objects.get(kind=SafetyAlert.Kind.OUTBOUND_BLOCKED)
        assert alert.conversation is None


class TestAnswers:
    def test_an_official_answer_solves_once(self, member: Member, agent: Agent) -> None:
        question = _ask(member)
        answer = actions.answer(author=agent, question=question, body="Credited now.")
        assert answer.official
        question.refresh_from_db()
        assert question.solved
        assert question.answer_count == 1
        first = question.first_official_answer_at
        assert first is not None
        actions.answer(author=agent, question=question, body="And the fee is refunded.")
        question.refresh_from_db()
        assert question.first_official_answer_at == first
        assert question.answer_count == 2
        document = SearchDocument.objects.get(question=question)
        assert document.solved
        assert "credit" in document.terms

    def test_a_members_answer_is_not_official(
        self, member: Member, member_factory: Callable[..., Member]
    ) -> None:
        question = _ask(member)
        answer = actions.answer(author=member_factory("Carol"), question=question, body="Wait.")
        assert not answer.official
        question.refresh_from_db()
        assert not question.solved

    def test_a_locked_question_takes_no_answers_but_a_moderators(
        self, member: Member, moderator: Agent, agent: Agent
    ) -> None:
        question = _ask(member)
        actions.set_locked(actor=moderator, question=question, locked=True)
        with pytest.raises(errors.Locked):
            actions.answer(author=member, question=question, body="hello")
        with pytest.raises(errors.Locked):
            actions.comment(author=member, parent=_opening(question), body="hello")
        with pytest.raises(errors.Locked):
            actions.answer(author=agent, question=question, body="hello")
        actions.answer(author=moderator, question=question, body="Closing this: fixed.")

    def test_comments_do_not_nest(self, member: Member) -> None:
        question = _ask(member)
        first = actions.comment(author=member, parent=_opening(question), body="more detail")
        with pytest.raises(errors.InvalidMove):
            actions.comment(author=member, parent=first, body="reply")

    def test_only_the_author_edits(
        self, member: Member, member_factory: Callable[..., Member]
    ) -> None:
        question = _ask(member)
        with pytest.raises(errors.NotAuthor):
            actions.edit(author=member_factory("Eve"), post=_opening(question), body="mine")
        post = actions.edit(author=member, post=_opening(question), body="<b>bold</b>", title="New")
        question.refresh_from_db()
        assert question.title == "New"
        assert "&lt;b&gt;" in post.body_html
        assert post.edited_at is not None

    def test_an_edit_that_invites_elsewhere_holds_the_post_again(
        self, member: Member, member_factory: Callable[..., Member]
    ) -> None:
        question = _ask(member)
        answer = actions.answer(author=member_factory("Dan"), question=question, body="Wait.")
        actions.edit(author=answer.member, post=answer, body="add my wechat kf_8888")  # type: ignore[arg-type]
        answer.refresh_from_db()
        question.refresh_from_db()
        assert answer.visibility == Visibility.HELD
        assert answer.hold_reasons == [HoldReason.OFF_PLATFORM]
        assert question.answer_count == 0


class TestBans:
    def test_a_banned_member_cannot_post_vote_or_report(
        self, member: Member, member_factory: Callable[..., Member], moderator: Agent
    ) -> None:
        question = _ask(member_factory("Frank"))
        until = timezone.now() + timedelta(days=1)
        actions.ban(actor=moderator, member=member, until=until, reason="scam links")
        with pytest.raises(errors.Banned) as refused:
            _ask(member)
        assert refused.value.params["until"] == until.isoformat()
        with pytest.raises(errors.Banned):
            actions.answer(author=member, question=question, body="x")
        with pytest.raises(errors.Banned):
            actions.comment(author=member, parent=_opening(question), body="x")
        with pytest.raises(errors.Banned):
            actions.vote(member=member, post=_opening(question), value=1)
        with pytest.raises(errors.Banned):
            actions.report(member=member, post=_opening(question), reason="spam")
        actions.unban(actor=moderator, member=member)
        actions.vote(member=member, post=_opening(question), value=1)
        audit = list(AuditEntry.objects.values_list("action", flat=True))
        assert audit == ["community.ban", "community.unban"]

    def test_only_moderators_ban(self, member: Member, agent: Agent) -> None:
        with pytest.raises(PermissionDenied):
            actions.ban(
                actor=agent, member=member, until=timezone.now() + timedelta(days=1), reason="x"
            )


class TestVotes:
    def test_a_vote_changes_withdraws_and_counts_once(
        self, member: Member, member_factory: Callable[..., Member]
    ) -> None:
        question = _ask(member)
        opening = _opening(question)
        voter = member_factory("Grace")
        assert actions.vote(member=voter, post=opening, value=1).score == 1
        assert actions.vote(member=voter, post=opening, value=1).score == 1
        assert actions.vote(member=voter, post=opening, value=-1).score == -1
        assert actions.vote(member=voter, post=opening, value=0).score == 0
        assert not Vote.objects.exists()
        actions.vote(member=member_factory("Heidi"), post=opening, value=1)
        question.refresh_from_db()
        assert question.score == 1

    def test_no_vote_on_your_own_post_or_of_another_value(self, member: Member) -> None:
        opening = _opening(_ask(member))
        with pytest.raises(errors.OwnPostVote):
            actions.vote(member=member, post=opening, value=1)

    def test_invalid_values(self, member: Member, member_factory: Callable[..., Member]) -> None:
        opening = _opening(_ask(member))
        with pytest.raises(errors.InvalidVote):
            actions.vote(member=member_factory("Ivan"), post=opening, value=5)

    def test_vote_flooding_is_limited(
        self, member: Member, member_factory: Callable[..., Member]
    ) -> None:
        opening = _opening(_ask(member))
        voter = member_factory("Judy")
        for number in range(actions.VOTE_LIMIT.attempts):
            actions.vote(member=voter, post=opening, value=1 if number % 2 else -1)
        with pytest.raises(errors.RateLimited):
            actions.vote(member=voter, post=opening, value=0)


class TestAccept:
    def test_only_the_asker_accepts_a_published_answer_and_may_change_it(
        self, member: Member, member_factory: Callable[..., Member]
    ) -> None:
        question = _ask(member)
        other = member_factory("Ken")
        first = actions.answer(author=other, question=question, body="Try again later.")
        second = actions.answer(author=other, question=question, body="Use TRC20.")
        with pytest.raises(errors.NotAuthor):
            actions.accept(member=other, answer=first)
        with pytest.raises(errors.NotAnAnswer):
            actions.accept(member=member, answer=_opening(question))
        question = actions.accept(member=member, answer=first)
        assert question.solved
        assert question.accepted_answer == first
        question = actions.accept(member=member, answer=second)
        assert question.accepted_answer == second
        assert "trc20" in SearchDocument.objects.get(question=question).terms

    def test_an_answer_of_another_question_is_refused(
        self, member: Member, member_factory: Callable[..., Member]
    ) -> None:
        mine = _ask(member)
        theirs = _ask(member_factory("Leo"), title="Other")
        answer = actions.answer(author=member, question=theirs, body="Like this.")
        with pytest.raises(errors.NotAuthor):
            actions.accept(member=member, answer=answer)
        assert not Question.objects.get(pk=mine.pk).solved

    def test_hiding_the_accepted_answer_unsolves(
        self, member: Member, member_factory: Callable[..., Member], moderator: Agent
    ) -> None:
        question = _ask(member)
        answer = actions.answer(author=member_factory("Mia"), question=question, body="Done.")
        actions.accept(member=member, answer=answer)
        actions.hide(actor=moderator, post=answer, reason="wrong")
        question.refresh_from_db()
        assert not question.solved
        assert question.accepted_answer is None
        assert question.answer_count == 0


class TestReports:
    def test_reports_from_distinct_members_hold_a_post(
        self, member: Member, member_factory: Callable[..., Member], moderator: Agent
    ) -> None:
        question = _ask(member)
        answer = actions.answer(author=member_factory("Ned"), question=question, body="Hmm")
        reporters = [member_factory(f"Reporter {number}") for number in range(3)]
        actions.report(member=reporters[0], post=answer, reason="scam")
        with pytest.raises(errors.AlreadyReported):
            actions.report(member=reporters[0], post=answer, reason="spam")
        actions.report(member=reporters[1], post=answer, reason="scam")
        answer.refresh_from_db()
        assert answer.visibility == Visibility.PUBLISHED
        actions.report(member=reporters[2], post=answer, reason="scam", note=f"he said {PHRASE}")
        answer.refresh_from_db()
        assert answer.visibility == Visibility.HELD
        assert answer.hold_reasons == [HoldReason.REPORTED]
        assert Question.objects.get(pk=question.pk).answer_count == 0
        assert "abandon" not in _every_stored_text()
        assert actions.resolve_reports(actor=moderator, post=answer) == 3
        assert not PostReport.objects.filter(resolved_at__isnull=True).exists()

    def test_an_unknown_reason_is_refused(self, member: Member) -> None:
        with pytest.raises(errors.InvalidReason):
            actions.report(member=member, post=_opening(_ask(member)), reason="boring")


class TestModeration:
    def test_moderator_actions_are_audited(
        self, member: Member, member_factory: Callable[..., Member], moderator: Agent
    ) -> None:
        from kefu.helpcenter.models import Category

        question = _ask(member)
        answer = actions.answer(author=member_factory("Olga"), question=question, body="Hi")
        category = Category.objects.create(slug="deposits", name_en="Deposits")
        actions.move(actor=moderator, question=question, category=category)
        actions.set_locked(actor=moderator, question=question, locked=True)
        actions.set_locked(actor=moderator, question=question, locked=False)
        actions.hide(actor=moderator, post=answer, reason="off topic")
        actions.approve(actor=moderator, post=answer)
        assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
            "community.move",
            "community.lock",
            "community.unlock",
            "community.hide",
            "community.approve",
        ]
        question.refresh_from_db()
        assert question.category == category
        assert question.answer_count == 1

    def test_an_l1_agent_cannot_moderate(self, member: Member, agent: Agent) -> None:
        with pytest.raises(PermissionDenied):
            actions.hide(actor=agent, post=_opening(_ask(member)), reason="x")

    def test_merge_moves_answers_comments_and_counters(
        self,
        member: Member,
        member_factory: Callable[..., Member],
        moderator: Agent,
        agent_factory: Callable[..., Agent],
    ) -> None:
        staff = agent_factory(role=Role.L2, username="l2")
        original = _ask(member, title="Withdrawal stuck")
        duplicate = _ask(member_factory("Pat"), title="Withdrawal stuck again")
        official = actions.answer(author=staff, question=duplicate, body="Network congestion.")
        note = actions.comment(author=member, parent=official, body="Thanks")
        merged = actions.merge(actor=moderator, question=duplicate, into=original)
        assert merged.merged_into == original
        assert merged.answer_count == 0
        original.refresh_from_db()
        assert original.answer_count == 1
        assert original.solved
        assert original.first_official_answer_at is not None
        assert Post.objects.get(pk=official.pk).question == original
        assert Post.objects.get(pk=note.pk).question == original
        assert not SearchDocument.objects.filter(question=duplicate).exists()
        assert "congest" in SearchDocument.objects.get(question=original).terms
        with pytest.raises(errors.Merged):
            actions.answer(author=member, question=duplicate, body="late")
        with pytest.raises(errors.InvalidMove):
            actions.merge(actor=moderator, question=original, into=original)
        assert AuditEntry.objects.filter(action="community.merge").exists()


class TestAgentsAreScreened:
    def test_an_agent_quoting_a_phrase_is_held_not_published(
        self, member: Member, agent: Agent
    ) -> None:
        question = _ask(member)
        answer = actions.answer(
            author=agent, question=question, body=f"You wrote {PHRASE}; move your funds now."
        )
        assert answer.visibility == Visibility.HELD
        assert answer.hold_reasons == [HoldReason.SECRET]
        assert "abandon" not in answer.body
        assert not Question.objects.get(pk=question.pk).solved

    def test_an_agent_is_never_held_for_first_posts(self, member: Member, agent: Agent) -> None:
        answer = actions.answer(author=agent, question=_ask(member), body="Fixed now.")
        assert answer.visibility == Visibility.PUBLISHED

    def test_a_held_post_cannot_be_reported(
        self, member_factory: Callable[..., Member], member: Member
    ) -> None:
        held = _ask(member_factory("Quinn", trusted=False))
        with pytest.raises(errors.NotPublished):
            actions.report(member=member, post=_opening(held), reason="spam")
