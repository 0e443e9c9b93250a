from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from kefu.api.routers import api
from kefu.console.admin_site import ConsoleSignInAdminSite
from kefu.core.favicon import favicon
from kefu.core.ids import IdConverter

# The admin signs in through the console (lock-out, second factor): one policy for both.
admin.site.__class__ = ConsoleSignInAdminSite
# `<id:…>`: ids in paths are ASCII digits within the database's range (before the includes).
register_converter(IdConverter, "id")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:home", permanent=False)),
    path("console/", include("kefu.console.urls")),
    path("portal/", include("kefu.portal.urls")),
    path("feedback/", include("kefu.feedback.urls")),
    path("help/flows/", include("kefu.helpcenter.flows.urls")),
    path("help/", include("kefu.portal.help_urls")),
    path("community/", include("kefu.portal.community_urls")),
    path("api/", api.urls),
    path("chat/", include("kefu.inboxes.webchat.urls")),
    path("phone/", include("kefu.inboxes.phone.urls")),
    path("telegram/", include("kefu.inboxes.telegram.urls")),
    path("wechat/", include("kefu.inboxes.wechat.urls")),
    path("weibo/", include("kefu.inboxes.weibo.urls")),
    path("x/", include("kefu.inboxes.x.urls")),
    path("messenger/", include("kefu.inboxes.messenger.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", favicon, name="favicon"),
]
