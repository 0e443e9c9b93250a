"""/api/v1/contacts: look a customer up by id or by address.

There is deliberately no "list every contact": a leaked integration token should not be
a way to download the customer directory.
"""

from django.http import HttpRequest
from ninja import Query, Router

from kefu.api.schemas import ContactList, ContactLookup, ContactOut, ExampleId
from kefu.api.selectors import contact_by_id, contacts_by_identities
from kefu.core.api_schemas import error_responses

router = Router(tags=["contacts"])


@router.get(
    "",
    response={200: ContactList, **error_responses(401, 422)},
    summary="Find contacts by address",
    description=(
        "Give one or more of `email`, `phone`, `platform_user_id` (compared in normal form: "
        "email case-insensitive, phone without spaces or dashes). Returns every contact "
        "holding one of them, usually none or one; merged contacts are followed to the "
        "surviving one. With none given, nobody is found: there is no list of every contact."
    ),
)
def find_contacts(request: HttpRequest, lookup: Query[ContactLookup]) -> ContactList:
    contacts = contacts_by_identities(lookup.identities())
    return ContactList(items=[ContactOut.of(contact) for contact in contacts])


@router.get(
    "/{contact_id}",
    response={200: ContactOut, **error_responses(401, 404, 422)},
    summary="Get a contact",
)
def get_contact(request: HttpRequest, contact_id: ExampleId) -> ContactOut:
    return ContactOut.of(contact_by_id(contact_id))
