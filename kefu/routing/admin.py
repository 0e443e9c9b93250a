from django.contrib import admin

from kefu.routing.models import Holiday, ServiceSchedule, WeeklyHours


class WeeklyHoursInline(admin.TabularInline[WeeklyHours, ServiceSchedule]):
    model = WeeklyHours
    extra = 0


class HolidayInline(admin.TabularInline[Holiday, ServiceSchedule]):
    model = Holiday
    extra = 0


@admin.register(ServiceSchedule)
class ServiceScheduleAdmin(admin.ModelAdmin[ServiceSchedule]):
    list_display = ("__str__", "timezone", "extended_hours")
    inlines = (WeeklyHoursInline, HolidayInline)
