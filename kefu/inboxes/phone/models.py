"""The phone hotline: its lines, calls with their timelines, callbacks and recordings.

A call is not a conversation: it is what happened on the line (rang, queued, answered,
transferred, hung up). Each answered, missed, voicemail or callback call opens or joins a
conversation (Call.conversation), where agents work on it like on any other channel.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.languages import Language


class Provider(models.TextChoices):
    TWILIO = "twilio", _("Twilio Programmable Voice")
    # A company's own PBX (Asterisk, FreeSWITCH, 3CX …) reporting its calls to the CTI webhook.
    CTI = "cti", _("Own telephone system (CTI webhook)")


class PhoneLine(models.Model):
    """The settings of one phone inbox: its numbers, provider credentials and policies."""

    inbox = models.OneToOneField(
        "inboxes.Inbox", on_delete=models.CASCADE, related_name="phone_line"
    )
    provider = models.CharField(
        _("provider"), max_length=8, choices=Provider.choices, default=Provider.TWILIO
    )
    # E.164. Both numbers belong in the official registry, so that a customer can check
    # on the verify page that a number which called them is ours.
    number = models.CharField(_("hotline number"), max_length=20, unique=True)
    outbound_number = models.CharField(
        _("outbound caller ID"),
        max_length=20,
        blank=True,
        help_text=_("The number callbacks and agents' calls show; blank for the hotline number."),
    )
    account_sid = models.CharField(_("Twilio account SID"), max_length=64, blank=True)
    # Signs Twilio's webhooks and authenticates our REST calls.
    auth_token = models.CharField(_("Twilio auth token"), max_length=64, blank=True)
    # For the agents' browser phone (Twilio Voice JavaScript SDK access tokens).
    api_key_sid = models.CharField(_("Twilio API key SID"), max_length=64, blank=True)
    api_key_secret = models.CharField(_("Twilio API key secret"), max_length=64, blank=True)
    twiml_app_sid = models.CharField(_("TwiML app SID"), max_length=64, blank=True)
    # The shared secret a PBX sends with each CTI event.
    cti_token = models.CharField(_("CTI token"), max_length=64, blank=True)
    recording_enabled = models.BooleanField(
        _("record calls"),
        default=False,
        help_text=_("Callers hear that the call is recorded before it is."),
    )
    voicemail_enabled = models.BooleanField(_("voicemail"), default=True)
    callback_enabled = models.BooleanField(_("callbacks"), default=True)
    callback_max_attempts = models.PositiveSmallIntegerField(_("callback attempts"), default=3)
    callback_retry_minutes = models.PositiveSmallIntegerField(
        _("minutes between callback attempts"), default=10
    )
    ring_seconds = models.PositiveSmallIntegerField(_("seconds an agent's phone rings"), default=20)
    hold_music_url = models.URLField(_("hold music"), blank=True)

    class Meta:
        verbose_name = _("phone line")
        verbose_name_plural = _("phone lines")

    def __str__(self) -> str:
        return self.number

    @property
    def caller_id(self) -> str:
        return self.outbound_number or self.number


class PromptKey(models.TextChoices):
    """Each thing the IVR says; each has a built-in text per language (ivr/prompts.py)."""

    WELCOME = "welcome", _("Welcome and language menu")
    SAFETY = "safety", _("Safety notice")
    TOPIC_MENU = "topic_menu", _("Topic menu")
    CLOSED = "closed", _("Outside service hours")
    RECORDING_NOTICE = "recording_notice", _("Recording notice")
    QUEUE_POSITION = "queue_position", _("Position in the queue")
    CALLBACK_OFFER = "callback_offer", _("Callback offer")
    CALLBACK_CONFIRMED = "callback_confirmed", _("Callback confirmed")
    VOICEMAIL = "voicemail", _("Voicemail greeting")
    GOODBYE = "goodbye", _("Goodbye")


class Prompt(models.Model):
    """An edited IVR prompt: a text to speak or a recording to play, in one language."""

    line = models.ForeignKey(PhoneLine, on_delete=models.CASCADE, related_name="prompts")
    key = models.CharField(_("prompt"), max_length=24, choices=PromptKey.choices)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    text = models.TextField(_("text to speak"), blank=True)
    audio_url = models.URLField(_("recording to play"), blank=True)

    class Meta:
        verbose_name = _("IVR prompt")
        verbose_name_plural = _("IVR prompts")
        constraints = [
            models.UniqueConstraint(fields=["line", "key", "language"], name="one_prompt_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Incoming")
    OUTBOUND = "outbound", _("Outgoing")


class CallStatus(models.TextChoices):
    IVR = "ivr", _("In the menu")
    QUEUED = "queued", _("Waiting in the queue")
    RINGING = "ringing", _("Ringing an agent")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    MISSED = "missed", _("Missed")
    VOICEMAIL = "voicemail", _("Voicemail")
    CALLBACK_REQUESTED = "callback", _("Callback requested")
    FAILED = "failed", _("Failed")


# A call in these states is still on the line.
LIVE_STATUSES = (CallStatus.IVR, CallStatus.QUEUED, CallStatus.RINGING, CallStatus.IN_PROGRESS)


class Call(models.Model):
    line = models.ForeignKey(PhoneLine, on_delete=models.PROTECT, related_name="calls")
    # Twilio's CallSid, or "cti:" and the PBX's call id.
    sid = models.CharField(max_length=64, unique=True)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    # E.164 when the number parses; otherwise as received (and no contact is matched).
    from_number = models.CharField(_("from"), max_length=32)
    to_number = models.CharField(_("to"), max_length=32)
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    language = models.CharField(max_length=8, choices=Language.choices, blank=True)
    # The topic chosen in the menu, as a triage intent.
    intent = models.CharField(max_length=32, blank=True)
    team = models.ForeignKey(
        "agents.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    urgent = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=CallStatus.choices, default=CallStatus.IVR)
    # The agent whose phone rings now, then the one who answered.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    started_at = models.DateTimeField()
    # The caller's place in the queue: kept when they ask to be called back.
    queued_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    duration = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    # The call this one returns (a callback) or continues (a transfer).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    wrap_up_intent = models.CharField(_("topic"), max_length=32, blank=True)
    wrap_up_outcome = models.CharField(_("outcome"), max_length=16, blank=True)
    wrapped_up_at = models.DateTimeField(null=True, blank=True)
    # Caller log: a missed call stays on the to-do list until seen or called back.
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [
            models.Index(fields=["-started_at"], name="call_log"),
            models.Index(fields=["from_number", "-started_at"], name="call_by_number"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.from_number} → {self.to_number}"


class CallEventKind(models.TextChoices):
    RINGING = "ringing", _("Ringing")
    LANGUAGE = "language", _("Language chosen")
    TOPIC = "topic", _("Topic chosen")
    CLOSED = "closed", _("Outside service hours")
    QUEUED = "queued", _("Queued")
    OFFERED = "offered", _("Offered to an agent")
    NOT_ANSWERED = "not_answered", _("Agent did not answer")
    ANSWERED = "answered", _("Answered")
    TRANSFERRED = "transferred", _("Transferred")
    CALLBACK_REQUESTED = "callback_requested", _("Callback requested")
    CALLBACK_DIALED = "callback_dialed", _("Callback dialled")
    CALLBACK_FAILED = "callback_failed", _("Callback not reached")
    VOICEMAIL = "voicemail", _("Voicemail left")
    RECORDING = "recording", _("Recording stored")
    RECORDING_FAILED = "recording_failed", _("Recording could not be fetched")
    MISSED = "missed", _("Missed")
    ENDED = "ended", _("Ended")
    FAILED = "failed", _("Failed")
    WRAPPED_UP = "wrapped_up", _("Wrapped up")


class WrapUpOutcome(models.TextChoices):
    """What an agent records about a call once it is over, beside its topic."""

    RESOLVED = "resolved", _("Resolved")
    FOLLOW_UP = "follow_up", _("Follow-up needed")
    ESCALATED = "escalated", _("Escalated")
    NO_ACTION = "no_action", _("No action")


class CallEvent(models.Model):
    """One step of a call's timeline, as the conversation shows it."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=CallEventKind.choices)
    at = models.DateTimeField()
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Small, never customer text: {"digits": "1"}, {"duration": 42}, {"error": "…"}.
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("call event")
        verbose_name_plural = _("call events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%H:%M:%S}"


class CallbackStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    DIALING = "dialing", _("Dialling")
    DONE = "done", _("Called back")
    FAILED = "failed", _("Not reached")
    CANCELLED = "cancelled", _("Cancelled")


class Callback(models.Model):
    """A caller's request to be called back, holding their place in the queue."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="callback")
    # The number that called, or one on the customer's account: never a number the
    # caller dictated, which would let anyone make the hotline ring a third party.
    number = models.CharField(_("number"), max_length=20)
    team = models.ForeignKey(
        "agents.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    urgent = models.BooleanField(default=False)
    # Copied from the call: the callback is served in the order the caller queued.
    queued_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=CallbackStatus.choices, default=CallbackStatus.WAITING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"],
                name="callback_due",
                condition=models.Q(status="waiting"),
            )
        ]

    def __str__(self) -> str:
        return f"callback {self.number} ({self.status})"


class RecordingKind(models.TextChoices):
    RECORDING = "recording", _("Call recording")
    VOICEMAIL = "voicemail", _("Voicemail")


class RecordingStatus(models.TextChoices):
    PENDING = "pending", _("Being fetched")
    STORED = "stored", _("Stored")
    FAILED = "failed", _("Could not be fetched")


class Recording(models.Model):
    """A recording Twilio holds, until a job has fetched it into an attachment."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="recordings")
    sid = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=10, choices=RecordingKind.choices)
    media_url = models.URLField(max_length=500)
    duration = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=RecordingStatus.choices, default=RecordingStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # The conversation message that carries the audio (and its transcript) once stored.
    message = models.ForeignKey(
        "conversations.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")

    def __str__(self) -> str:
        return self.sid


class WebhookHit(models.Model):
    """A webhook request as received: the admin shows the last ones for the line's health.

    `token` is Twilio's I-Twilio-Idempotency-Token (or a CTI event's own key): a request
    seen twice is a retry or a replay and changes nothing the second time.
    """

    line = models.ForeignKey(
        PhoneLine, null=True, blank=True, on_delete=models.CASCADE, related_name="webhook_hits"
    )
    endpoint = models.CharField(max_length=40)
    token = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(db_index=True)
    status_code = models.PositiveSmallIntegerField()
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("webhook request")
        verbose_name_plural = _("webhook requests")
        constraints = [
            models.UniqueConstraint(
                fields=["token"], name="webhook_token_once", condition=~models.Q(token="")
            )
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.status_code}"
