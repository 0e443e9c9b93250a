from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One agent (or system) action. Rows are only ever added: see save()/delete()."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An audit trail that can be edited proves nothing; refusing updates here keeps
        # every code path (admin, shell, actions) honest.
        if self.pk is not None:
            raise ValueError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("audit entries are append-only")


class AttemptCounter(models.Model):
    """Attempts counted for one key in a fixed window (`throttle.reserve`).

    A database row rather than a cache entry: the limits kept here (passwords, one-time
    codes, mails sent at a visitor's request) must hold exactly across every app process,
    with or without Redis, and must not vanish when a cache is flushed or restarted.
    """

    # "<scope>:<sha256 of the key>": the table never holds a username or an address.
    key = models.CharField(max_length=128, primary_key=True)
    attempts = models.PositiveIntegerField()
    window_ends = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("attempt counter")
        verbose_name_plural = _("attempt counters")

    def __str__(self) -> str:
        return f"{self.key}: {self.attempts}"


class WorkerLease(models.Model):
    """A job worker's sign of life, renewed by its heartbeat for as long as it runs.

    django-tasks-db marks a claimed job RUNNING and nothing more, so a job whose worker
    died stayed RUNNING for ever; a lapsed lease says the worker named in the job's
    `worker_ids` is gone, and the scheduler puts its job back in the queue
    (`kefu.core.jobs`).
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker lease")
        verbose_name_plural = _("worker leases")

    def __str__(self) -> str:
        return f"{self.worker_id} until {self.expires_at:%H:%M:%S}"


class PeriodicRun(models.Model):
    """When a periodic job is next due: moving it forward is how one host claims a run."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")

    def __str__(self) -> str:
        return f"{self.name} at {self.next_run_at:%Y-%m-%d %H:%M:%S}"
