from django.db import models
from django.utils.translation import gettext_lazy as _


class Mailbox(models.Model):
    """A support address: where its mail is fetched (IMAP) and how replies are sent (SMTP).

    Leave the IMAP host empty when an MTA delivers to the LMTP receiver instead; leave the
    SMTP host empty to send through the site-wide SMTP settings.
    """

    inbox = models.OneToOneField("inboxes.Inbox", on_delete=models.CASCADE, related_name="mailbox")
    address = models.EmailField(_("address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    imap_host = models.CharField(_("IMAP host"), max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_ssl = models.BooleanField(_("IMAP over TLS"), default=True)
    imap_user = models.CharField(_("IMAP user"), max_length=255, blank=True)
    imap_password = models.CharField(_("IMAP password"), max_length=255, blank=True)
    imap_folder = models.CharField(_("IMAP folder"), max_length=255, default="INBOX")
    # Flag fetched mail as seen on the server once it is stored (never before).
    mark_seen = models.BooleanField(_("mark fetched mail as seen"), default=True)
    smtp_host = models.CharField(_("SMTP host"), max_length=255, blank=True)
    smtp_port = models.PositiveIntegerField(_("SMTP port"), default=587)
    smtp_starttls = models.BooleanField(_("SMTP STARTTLS"), default=True)
    smtp_user = models.CharField(_("SMTP user"), max_length=255, blank=True)
    smtp_password = models.CharField(_("SMTP password"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return self.address


class ImapCursor(models.Model):
    """The highest UID stored from one mailbox folder.

    IMAP servers reuse UIDs after UIDVALIDITY changes, so the pair is the key: a new
    UIDVALIDITY starts a new cursor, and Message-ID de-duplication absorbs the refetch.
    """

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="cursors")
    folder = models.CharField(max_length=255)
    uidvalidity = models.BigIntegerField()
    last_uid = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("IMAP cursor")
        verbose_name_plural = _("IMAP cursors")
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "folder", "uidvalidity"], name="imap_cursor_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mailbox} {self.folder} {self.uidvalidity}:{self.last_uid}"
