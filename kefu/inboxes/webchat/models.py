import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChatSession(models.Model):
    """The live-chat side of a conversation: whose chat it is and how far each side read.

    A conversation on the webchat inbox without one was left through the off-hours form
    and is answered by email and on the portal instead.
    """

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="chat"
    )
    visitor = models.CharField(max_length=64, db_index=True)
    # Sequence numbers (Message.seq) up to which the customer / an agent has read.
    customer_read_seq = models.PositiveIntegerField(default=0)
    agent_read_seq = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chat session")
        verbose_name_plural = _("chat sessions")

    def __str__(self) -> str:
        return f"chat on conversation {self.conversation_id}"


def upload_path(instance: "Upload", filename: str) -> str:
    # Random like Attachment's: the visitor's file name can hold anything.
    return f"chat-uploads/{instance.inbox_id}/{uuid.uuid4().hex}"


class Upload(models.Model):
    """A file a visitor sent over HTTP, waiting for the chat message that references it.

    Uploading apart from the WebSocket keeps big bodies off the socket (whose frames have
    a small size limit) and lets the browser show upload progress.
    """

    inbox = models.ForeignKey("inboxes.Inbox", on_delete=models.CASCADE, related_name="+")
    visitor = models.CharField(max_length=64, db_index=True)
    file = models.FileField(upload_to=upload_path, max_length=255)
    # Already screened, like the file's text: a secret is gone before it is stored.
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    # Kinds of secret screening removed from the file, for the message that carries it.
    kinds_removed = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chat upload")
        verbose_name_plural = _("chat uploads")

    def __str__(self) -> str:
        return self.filename


class EmailCheck(models.Model):
    """A one-time code mailed to an address a visitor wants the chat's transcript sent to.

    Transcripts go only to addresses the chat has verified; without this check anyone could
    have us mail their own text, under our name, to anyone. Only the code's hash is kept.
    """

    inbox = models.ForeignKey("inboxes.Inbox", on_delete=models.CASCADE, related_name="+")
    visitor = models.CharField(max_length=64)
    email = models.CharField(max_length=255)
    code_hash = models.CharField(max_length=128)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    # Set once the right code came back: from then on the visitor's transcripts may go here.
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("email address check")
        verbose_name_plural = _("email address checks")
        indexes = [models.Index(fields=["inbox", "visitor", "email"])]

    def __str__(self) -> str:
        return f"email check for visitor {self.visitor}"
