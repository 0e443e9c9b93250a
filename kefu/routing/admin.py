from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from kefu.routing import actions
from kefu.routing.models import Holiday, ServiceSchedule, Source, WeeklyHours, WorkingDay
from kefu.routing.shifts import Shift, check_shifts


class WeeklyHoursFormSet(BaseInlineFormSet[WeeklyHours, ServiceSchedule, forms.ModelForm[Any]]):
    """Refuses overlapping shifts and, unless extended hours are on, an empty week."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        shifts = [
            Shift(data["weekday"], data["opens"], data["closes"])
            for data in (form.cleaned_data for form in self.forms)
            if data and not data.get("DELETE")
        ]
        # The parent form has already put the posted extended_hours on the instance.
        if not shifts and not self.instance.extended_hours:
            raise ValidationError(actions.no_weekly_hours_message(), code="no_weekly_hours")
        check_shifts(shifts)


class WeeklyHoursInline(admin.TabularInline[WeeklyHours, ServiceSchedule]):
    model = WeeklyHours
    formset = WeeklyHoursFormSet
    extra = 0


class HolidayInline(admin.TabularInline[Holiday, ServiceSchedule]):
    model = Holiday
    readonly_fields = ("source",)
    extra = 0


class WorkingDayInline(admin.TabularInline[WorkingDay, ServiceSchedule]):
    model = WorkingDay
    readonly_fields = ("source",)
    extra = 0


@admin.register(ServiceSchedule)
class ServiceScheduleAdmin(admin.ModelAdmin[ServiceSchedule]):
    list_display = ("__str__", "timezone", "country", "extended_hours", "changed_at")
    readonly_fields = ("changed_at",)
    inlines = (WeeklyHoursInline, HolidayInline, WorkingDayInline)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # An imported holiday or make-up day edited here becomes a local override, so the
        # next import leaves the administrator's version alone.
        if formset.model in (Holiday, WorkingDay):
            for inline_form in formset.forms:
                if inline_form.has_changed():
                    inline_form.instance.source = Source.LOCAL
        super().save_formset(request, form, formset, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        actions.mark_schedule_changed(form.instance)
