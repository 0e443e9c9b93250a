import pytest

from kefu.core.errors import NotFound
from kefu.helpcenter.flows.selectors import run_by_token


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["not-a-uuid", "6f1c3c1e-1111-4a4a-8888-000000000000"])
def test_an_unknown_or_malformed_token_is_not_found(token: str) -> None:
    with pytest.raises(NotFound):
        run_by_token(token)
