"""Service hours: when each team answers live chat."""

from zoneinfo import available_timezones

import holidays
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

DEFAULT_TIMEZONE = "Asia/Shanghai"


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Asia/Shanghai."),
            params={"value": value},
        )


def validate_country(value: str) -> None:
    if value and value not in holidays.list_supported_countries():
        raise ValidationError(
            _(
                "“%(value)s” is not a country code the holiday calendar knows, "
                "such as CN, HK or TW."
            ),
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
    country = models.CharField(
        _("holiday calendar"),
        max_length=8,
        blank=True,
        default="CN",
        validators=[validate_country],
        help_text=_(
            "Country code whose public holidays and make-up workdays `kefu calendar import` "
            "loads (CN, HK, TW …); blank for none."
        ),
    )
    # Cached business calendars compare this to know they are stale, so every action and
    # admin save that changes the schedule, its hours or its special days moves it on.
    changed_at = models.DateTimeField(_("changed at"), default=now, editable=False)

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


class Source(models.TextChoices):
    """Where a holiday or make-up workday comes from: a re-import never touches local ones."""

    IMPORTED = "imported", _("holiday calendar")
    LOCAL = "local", _("local override")


class Holiday(models.Model):
    """A local calendar date on which the team is closed all day."""

    schedule = models.ForeignKey(ServiceSchedule, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.LOCAL, editable=False
    )

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "date"], name="one_holiday_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class WorkingDay(models.Model):
    """A make-up workday (调休): a local date worked although the weekly hours say closed.

    That day the hours of `works_as` apply. A local make-up day on an imported holiday
    cancels the holiday; a local holiday on an imported make-up day cancels the make-up day.
    """

    schedule = models.ForeignKey(
        ServiceSchedule, on_delete=models.CASCADE, related_name="working_days"
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    works_as = models.PositiveSmallIntegerField(
        _("hours of"),
        choices=Weekday.choices,
        default=Weekday.MONDAY,
        help_text=_("The weekday whose hours apply on this date."),
    )
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.LOCAL, editable=False
    )

    class Meta:
        verbose_name = _("make-up workday")
        verbose_name_plural = _("make-up workdays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "date"], name="one_working_day_per_date")
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
