from django.contrib import admin

from kefu.contacts.models import Contact, ContactIdentity


class IdentityInline(admin.TabularInline[ContactIdentity, Contact]):
    model = ContactIdentity
    extra = 0


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin[Contact]):
    list_display = ("__str__", "language", "created_at", "merged_into")
    search_fields = ("name", "identities__value")
    inlines = [IdentityInline]
    # The code is the customer's to set, after a fresh sign-in (portal), never an admin's.
    exclude = ("anti_phishing_code",)
