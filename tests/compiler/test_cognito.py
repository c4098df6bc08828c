"""Cognito user pools and clients; the authorizers an API gets from the clients that name it."""

from __future__ import annotations

from typing import Any

from tests.compiler.helpers import BASE, all_resources, cfn_lint_findings, compile_yaml, model_text, of_type

RESOURCES = """\
  role: {type: iam_role}
  fn: {type: lambda_function, role: role}
  logs: {type: log_group, retention_days: 365}
  alarm: {type: alarm, monitors: [fn]}
  http: {type: api_gateway, kind: http}
  rest: {type: api_gateway}
  open: {type: api_gateway, kind: http}
  users: {type: cognito_user_pool, domain_prefix: shop-users, password_min_length: 14}
  staff: {type: cognito_user_pool, sign_in: username, self_sign_up: true, mfa: optional, deletion_protection: false}
  web:
    type: cognito_user_pool_client
    user_pool: users
    callback_urls: [https://shop.example.com/callback, http://localhost:3000/callback]
    logout_urls: [https://shop.example.com/]
    scopes: [openid, email, profile]
    access_token_minutes: 15
    id_token_minutes: 15
    refresh_token_days: 7
    apis: [http, rest]
  cli: {type: cognito_user_pool_client, user_pool: users, apis: [http]}
  backoffice: {type: cognito_user_pool_client, user_pool: staff, generate_secret: true, apis: [rest]}
"""
CONNECTIONS = """\
  - {from: http, to: fn, verb: invoke}
  - {from: rest, to: fn, verb: invoke}
  - {from: open, to: fn, verb: invoke}
  - {from: fn, to: logs, verb: logs}
"""


def _res() -> dict[str, Any]:
    return all_resources(compile_yaml(RESOURCES, CONNECTIONS))


def test_every_field_lints_clean_and_builds_cfn_lint_clean() -> None:
    from archc.model.loader import load_texts
    from archc.rules.engine import run_rules

    loaded = load_texts([("model.yaml", BASE), ("main.yaml", model_text(RESOURCES, CONNECTIONS))])
    assert [d.code for d in run_rules(loaded.architecture) if d.severity == "error"] == []
    build = compile_yaml(RESOURCES, CONNECTIONS)
    found = cfn_lint_findings(build)
    assert found == []


def test_the_pool_requires_mfa_and_strong_passwords_and_is_protected() -> None:
    res = _res()
    p = res["Users"]["Properties"]
    assert (p["MfaConfiguration"], p["EnabledMfas"], p["DeletionProtection"]) == ("ON", ["SOFTWARE_TOKEN_MFA"], "ACTIVE")
    assert p["Policies"]["PasswordPolicy"]["MinimumLength"] == 14
    assert p["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": True}
    assert p["UsernameAttributes"] == ["email"] and p["AutoVerifiedAttributes"] == ["email"]
    assert (res["Users"]["DeletionPolicy"], res["Users"]["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert res["UsersDomain"]["Properties"]["Domain"] == "shop-users"
    staff = res["Staff"]["Properties"]
    assert (staff["MfaConfiguration"], staff["DeletionProtection"], staff["AdminCreateUserConfig"]) == (
        "OPTIONAL", "INACTIVE", {"AllowAdminCreateUserOnly": False})
    assert "UsernameAttributes" not in staff


def test_clients_use_srp_and_the_code_flow_only() -> None:
    res = _res()
    web = res["Web"]["Properties"]
    assert web["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]
    assert (web["AllowedOAuthFlows"], web["AllowedOAuthScopes"]) == (["code"], ["openid", "email", "profile"])
    assert (web["PreventUserExistenceErrors"], web["EnableTokenRevocation"], web["GenerateSecret"]) == ("ENABLED", True, False)
    assert (web["AccessTokenValidity"], web["RefreshTokenValidity"]) == (15, 7)
    assert "AllowedOAuthFlows" not in res["Cli"]["Properties"]  # no callback: SRP only
    assert res["Backoffice"]["Properties"]["GenerateSecret"] is True


def test_an_http_api_gets_a_jwt_authorizer_on_its_route() -> None:
    res = _res()
    auth = res["HttpAuthorizer"]["Properties"]
    assert auth["AuthorizerType"] == "JWT"
    assert auth["JwtConfiguration"]["Audience"] == [{"Ref": "Cli"}, {"Ref": "Web"}]
    assert auth["JwtConfiguration"]["Issuer"] == {"Fn::Sub": ["https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}", {"Pool": {"Ref": "Users"}}]}
    route = res["HttpDefaultRoute"]["Properties"]
    assert (route["AuthorizationType"], route["AuthorizerId"]) == ("JWT", {"Ref": "HttpAuthorizer"})
    assert "AuthorizationType" not in res["OpenDefaultRoute"]["Properties"]


def test_a_rest_api_gets_a_cognito_authorizer_on_every_method() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS)
    res = all_resources(build)
    assert res["RestAuthorizer"]["Properties"]["ProviderARNs"] == [{"Fn::GetAtt": ["Staff", "Arn"]}, {"Fn::GetAtt": ["Users", "Arn"]}]
    methods = {k: v for k, v in of_type(build, "AWS::ApiGateway::Method").items() if k.startswith("Rest")}
    assert methods and all(m["Properties"]["AuthorizationType"] == "COGNITO_USER_POOLS" for m in methods.values())
    assert all(m["Properties"]["AuthorizerId"] == {"Ref": "RestAuthorizer"} for m in methods.values())
