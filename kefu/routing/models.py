"""Service hours: when each team answers live chat."""

from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_TIMEZONE = "Asia/Shanghai"


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Asia/Shanghai."),
            params={"value": value},
        )


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ServiceSchedule(models.Model):
    """A team's weekly hours and holidays; the one without a team is the default.

    No schedule at all means always open: a fresh install answers chats around the clock
    until someone sets hours. Should there be several without a team, the oldest counts.
    """

    team = models.OneToOneField(
        "agents.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="service_schedule",
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default=DEFAULT_TIMEZONE, validators=[validate_timezone]
    )
    # Switched on by a supervisor when markets are volatile: open around the clock.
    extended_hours = models.BooleanField(_("extended hours"), default=False)

    class Meta:
        verbose_name = _("service schedule")
        verbose_name_plural = _("service schedules")

    def __str__(self) -> str:
        return str(self.team) if self.team_id else str(_("Default service hours"))


class WeeklyHours(models.Model):
    """Open from `opens` to `closes` on `weekday` (local time).

    `closes` at or before `opens` runs past midnight into the next day; equal times mean
    the whole day.
    """

    schedule = models.ForeignKey(ServiceSchedule, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")
        ordering = ["weekday", "opens"]

    def __str__(self) -> str:
        return f"{Weekday(self.weekday).label} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Holiday(models.Model):
    """A local calendar date on which the team is closed all day."""

    schedule = models.ForeignKey(ServiceSchedule, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "date"], name="one_holiday_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class IdleWarning(models.Model):
    """The customer of an idle chat was told it will close; cleared by any new message.

    A warning is current while the conversation's last message is no newer than it: the
    warning itself does not count as activity.
    """

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="idle_warning"
    )
    message = models.ForeignKey("conversations.Message", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("idle chat warning")
        verbose_name_plural = _("idle chat warnings")

    def __str__(self) -> str:
        return f"{self.conversation} {self.sent_at:%Y-%m-%d %H:%M}"
