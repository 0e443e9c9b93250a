"""A phone line's numbers: stored in E.164 and listed in the official registry."""

import pytest
from django.test import Client

from kefu.core.phone_numbers import InvalidPhoneNumber
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.phone.lines import register_official_numbers, save_line
from kefu.inboxes.phone.models import PhoneLine
from kefu.safety.models import OfficialChannel, OfficialKind

pytestmark = pytest.mark.django_db


def _line(number: str, outbound: str = "") -> PhoneLine:
    inbox = Inbox.objects.create(name="客服热线 · Hotline", channel=Channel.PHONE)
    return PhoneLine(inbox=inbox, number=number, outbound_number=outbound)


def test_saving_a_line_lists_its_hotline_and_outbound_numbers_as_official() -> None:
    line = save_line(_line("400 123 4567", "+86 21 6123 4567"))
    assert (line.number, line.outbound_number) == ("+864001234567", "+862161234567")
    rows = OfficialChannel.objects.filter(kind=OfficialKind.PHONE, is_active=True)
    assert sorted(rows.values_list("value", "label")) == [
        ("+862161234567", "客服热线 · Hotline"),
        ("+864001234567", "客服热线 · Hotline"),
    ]
    # Saved again (or registered again): still one row per number.
    save_line(line)
    register_official_numbers(line)
    assert rows.count() == 2


def test_a_line_without_its_own_outbound_number_lists_the_hotline_once() -> None:
    line = save_line(_line("+864001234567"))
    assert line.outbound_number == ""
    assert OfficialChannel.objects.get().value == "+864001234567"


def test_a_number_already_listed_keeps_its_label_and_a_retired_one_is_listed_again() -> None:
    listed = OfficialChannel.objects.create(
        kind=OfficialKind.PHONE, value="+864001234567", label="Hotline (as on our site)"
    )
    retired = OfficialChannel.objects.create(
        kind=OfficialKind.PHONE, value="+862161234567", label="Shanghai", is_active=False
    )
    save_line(_line("+864001234567", "+862161234567"))
    listed.refresh_from_db()
    retired.refresh_from_db()
    assert listed.label == "Hotline (as on our site)"
    assert (retired.is_active, retired.label) == (True, "Shanghai")


@pytest.mark.parametrize(("number", "outbound"), [("hotline", ""), ("+864001234567", "12")])
def test_a_number_that_is_not_one_is_refused_and_nothing_is_saved(
    number: str, outbound: str
) -> None:
    with pytest.raises(InvalidPhoneNumber):
        save_line(_line(number, outbound))
    assert not PhoneLine.objects.exists()
    assert not OfficialChannel.objects.exists()


def _verdict_on_the_verify_page(client: Client, query: str) -> str:
    response = client.get("/portal/verify/", {"q": query}, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    body = response.content.decode()
    return body.split('class="verdict verdict-', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("written", ["+86 400 123 4567", "4001234567", "008640012345 67"])
def test_the_verify_page_calls_the_hotline_official_however_it_is_written(
    client: Client, written: str
) -> None:
    save_line(_line("+864001234567"))
    assert _verdict_on_the_verify_page(client, written) == "official"


def test_the_verify_page_does_not_know_another_number(client: Client) -> None:
    save_line(_line("+864001234567"))
    assert _verdict_on_the_verify_page(client, "+86 400 765 4321") == "unknown"
