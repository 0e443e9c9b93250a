"""Every connector error code reads in both Chinese scripts, never in the code's English."""

import re

import pytest
from django.utils import translation

from kefu.platform.connector import ConnectorError, ErrorCode
from kefu.platform.errors import describe

PARAMS = {"user_id": "u-1", "until": "2026-12-10T10:00:00+00:00", "channel": "phone",
          "field": "email"}  # fmt: skip


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_error_code_is_worded_in_chinese(language: str, code: ErrorCode) -> None:
    error = ConnectorError(code=code, params=PARAMS)
    with translation.override("en"):
        english = describe(error)
    with translation.override(language):
        text = describe(error)
    assert text != english
    assert re.search(r"[\u4e00-\u9fff]", text)
