"""Cognito: what the model refuses, and why."""

from __future__ import annotations

import pytest

from archc.diagnostics import ModelError
from archc.model.loader import load_text

HEAD = """archc: 1
accounts:
  main: {id: "111111111111", name: Main, region: us-west-2}
resources:
  pool: {type: cognito_user_pool}
"""


def test_a_client_with_local_and_https_urls_loads() -> None:
    arch = load_text(HEAD + "  c: {type: cognito_user_pool_client, user_pool: pool, callback_urls: [https://a.example/cb, http://localhost:8080/cb]}\n",
                     "m.yaml").architecture
    assert arch.resources["c"].scopes == ["openid", "email"]


@pytest.mark.parametrize(("resource", "message"), [
    ("{type: cognito_user_pool_client, user_pool: pool, callback_urls: ['http://shop.example/cb']}", "must be https://"),
    ("{type: cognito_user_pool_client, user_pool: pool, logout_urls: ['https://shop.example/']}", "logout_urls need callback_urls"),
    ("{type: cognito_user_pool_client, user_pool: pool, access_token_minutes: 2}", "access_token_minutes"),
    ("{type: cognito_user_pool, password_min_length: 6}", "password_min_length"),
    ("{type: cognito_user_pool, domain_prefix: Shop_Users}", "domain_prefix"),
])
def test_refused_with_the_reason(resource: str, message: str) -> None:
    with pytest.raises(ModelError) as err:
        load_text(HEAD + "  r: " + resource + "\n", "m.yaml")
    assert message in str(err.value) + " ".join(f"{d.message} {d.path}" for d in err.value.diagnostics)
