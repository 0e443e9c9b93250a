"""TOTP enrolment, recovery codes and second-factor checks."""

from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kefu.agents import two_factor


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_codes_are_compared_without_spaces_dashes_or_case():
    assert two_factor.normalize_code(" 123 456 ") == "123456"
    assert two_factor.normalize_code("ABCD-efgh") == "abcdefgh"


def test_enrolment_reuses_the_unconfirmed_device(agent):
    first = two_factor.enrolment_device(agent)
    assert two_factor.enrolment_device(agent) == first
    assert not two_factor.has_confirmed_totp(agent)


def test_confirming_enrolment_issues_recovery_codes(agent):
    device = two_factor.enrolment_device(agent)
    result, codes = two_factor.confirm_enrolment(agent, code_for(device))
    assert result.outcome == "ok"
    assert two_factor.has_confirmed_totp(agent)
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    assert two_factor.recovery_codes_left(agent) == two_factor.RECOVERY_CODE_COUNT


def test_recovery_codes_are_replaced_not_added(agent):
    old = two_factor.issue_recovery_codes(agent)
    two_factor.issue_recovery_codes(agent)
    assert StaticDevice.objects.filter(user=agent).count() == 1
    assert two_factor.recovery_codes_left(agent) == two_factor.RECOVERY_CODE_COUNT
    assert two_factor.verify_second_factor(agent, old[0]).outcome != "ok"


def test_a_recovery_code_is_used_up(agent, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    codes = two_factor.issue_recovery_codes(agent)
    assert two_factor.verify_second_factor(agent, codes[3]).outcome == "ok"
    assert two_factor.verify_second_factor(agent, codes[3]).outcome == "wrong"
    assert StaticToken.objects.filter(device__user=agent).count() == len(codes) - 1


def test_repeated_wrong_codes_are_throttled(agent):
    device = TOTPDevice.objects.create(user=agent, name="phone", confirmed=True)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    assert two_factor.verify_second_factor(agent, wrong).outcome == "wrong"
    # Even the right code waits out the back-off that django-otp imposes after a failure.
    assert two_factor.verify_second_factor(agent, code_for(device)).outcome == "throttled"


def test_a_totp_code_works_only_once(agent):
    device = TOTPDevice.objects.create(user=agent, name="phone", confirmed=True)
    code = code_for(device)
    assert two_factor.verify_second_factor(agent, code).outcome == "ok"
    assert two_factor.verify_second_factor(agent, code).outcome != "ok"
