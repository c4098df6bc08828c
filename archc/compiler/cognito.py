"""Cognito user pools (MFA, strong passwords, admin-created users unless self sign-up, deletion
protection, kept on stack deletion), app clients (SRP and the OAuth code flow only, no secret in a
browser, token revocation, no user-existence errors) and the API Gateway authorizers that accept
a client's tokens.

An `api_gateway` named in a client's ``apis`` gets one authorizer per API: a JWT authorizer
(issuer = the pool, audience = its clients) on an HTTP API, a ``COGNITO_USER_POOLS`` authorizer
on a REST API; every route or method then requires it (`authorization`, called by the API's
compile function).
"""

from __future__ import annotations

from typing import Any

from troposphere import Sub, apigateway, apigatewayv2, cognito

from archc.compiler.context import Context, need
from archc.model.resources import ApiGateway, CognitoUserPool, CognitoUserPoolClient

RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
SIGN_IN = {"email": (["email"], ["email"]), "phone": (["phone_number"], ["phone_number"]), "username": ([], ["email"])}


def compile_cognito_user_pool(ctx: Context, rid: str, res: CognitoUserPool) -> None:
    lid = ctx.main[rid]
    usernames, verified = SIGN_IN[res.sign_in]
    props: dict[str, Any] = {
        "UserPoolName": f"{ctx.arch.name}-{rid}"[:128],
        "AutoVerifiedAttributes": verified,
        "AdminCreateUserConfig": cognito.AdminCreateUserConfig(AllowAdminCreateUserOnly=not res.self_sign_up),
        "Policies": cognito.Policies(PasswordPolicy=cognito.PasswordPolicy(
            MinimumLength=res.password_min_length, RequireLowercase=True, RequireUppercase=True, RequireNumbers=True, RequireSymbols=True,
            TemporaryPasswordValidityDays=3)),
        "MfaConfiguration": {"required": "ON", "optional": "OPTIONAL", "off": "OFF"}[res.mfa],
        "DeletionProtection": "ACTIVE" if res.deletion_protection else "INACTIVE",
        "AccountRecoverySetting": cognito.AccountRecoverySetting(RecoveryMechanisms=[cognito.RecoveryOption(
            Name="verified_phone_number" if res.sign_in == "phone" else "verified_email", Priority=1)]),
        "UserAttributeUpdateSettings": cognito.UserAttributeUpdateSettings(AttributesRequireVerificationBeforeUpdate=verified),
        **RETAIN,
    }
    if usernames:
        props["UsernameAttributes"] = usernames
    if res.mfa != "off":
        props["EnabledMfas"] = ["SOFTWARE_TOKEN_MFA"]
    ctx.add(cognito.UserPool(lid, **props), rid)
    if res.domain_prefix:
        ctx.add(cognito.UserPoolDomain(ctx.new_id(rid, "Domain"), Domain=res.domain_prefix, UserPoolId=ctx.ref(rid)), rid)


def compile_cognito_user_pool_client(ctx: Context, rid: str, res: CognitoUserPoolClient) -> None:
    props: dict[str, Any] = {
        "UserPoolId": ctx.ref(need(res.user_pool)), "ClientName": rid[:128], "GenerateSecret": res.generate_secret,
        "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"], "PreventUserExistenceErrors": "ENABLED",
        "EnableTokenRevocation": True, "AccessTokenValidity": res.access_token_minutes, "IdTokenValidity": res.id_token_minutes,
        "RefreshTokenValidity": res.refresh_token_days,
        "TokenValidityUnits": cognito.TokenValidityUnits(AccessToken="minutes", IdToken="minutes", RefreshToken="days"),
        "SupportedIdentityProviders": ["COGNITO"],
    }
    if res.callback_urls:
        props.update({"AllowedOAuthFlows": ["code"], "AllowedOAuthFlowsUserPoolClient": True, "AllowedOAuthScopes": list(res.scopes),
                      "CallbackURLs": list(res.callback_urls)})
        if res.logout_urls:
            props["LogoutURLs"] = list(res.logout_urls)
    ctx.add(cognito.UserPoolClient(ctx.main[rid], **props), rid)


def _clients_of(ctx: Context, api: str) -> list[str]:
    return [cid for cid, client in ctx.of_type(CognitoUserPoolClient) if api in client.apis]


def _pools(ctx: Context, clients: list[str]) -> list[str]:
    return sorted({str(ctx.get(c, CognitoUserPoolClient).user_pool) for c in clients})


def compile_authorizer(ctx: Context, api: str, res: ApiGateway) -> None:
    """The authorizer of *api* (declared when a client names it), called by the API's compile function."""
    lid = ctx.declared.authorizer.get(api)
    if lid is None:
        return
    clients = _clients_of(ctx, api)
    pools = _pools(ctx, clients)
    if res.kind == "http":
        issuer = Sub("https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}", Pool=ctx.ref(pools[0]))
        ctx.add(apigatewayv2.Authorizer(lid, ApiId=ctx.ref(api), AuthorizerType="JWT", Name=f"{api}-cognito"[:128],
                                        IdentitySource=["$request.header.Authorization"],
                                        JwtConfiguration=apigatewayv2.JWTConfiguration(Audience=[ctx.ref(c) for c in clients], Issuer=issuer)), api)
    else:
        ctx.add(apigateway.Authorizer(lid, RestApiId=ctx.ref(api), Type="COGNITO_USER_POOLS", Name=f"{api}-cognito"[:128],
                                      IdentitySource="method.request.header.Authorization",
                                      ProviderARNs=[ctx.ref(p, "Arn") for p in pools]), api)


def authorization(ctx: Context, api: str) -> dict[str, Any]:
    """The authorization properties of every method (REST) or route (HTTP) of *api*: ``{}`` when no
    client protects it, else its authorizer's (`compile_authorizer`)."""
    lid = ctx.declared.authorizer.get(api)
    if lid is None:
        return {}
    if ctx.get(api, ApiGateway).kind == "http":
        return {"AuthorizationType": "JWT", "AuthorizerId": ctx.ref(lid)}
    return {"AuthorizationType": "COGNITO_USER_POOLS", "AuthorizerId": ctx.ref(lid)}


def authorizer_problems(ctx: Context, api: str) -> list[str]:
    """Why *api* cannot take the clients naming it (an HTTP API's JWT authorizer trusts one pool)."""
    pools = _pools(ctx, _clients_of(ctx, api))
    if ctx.get(api, ApiGateway).kind == "http" and len(pools) > 1:
        return [f"its clients belong to {len(pools)} user pools ({', '.join(pools)}); a JWT authorizer trusts one issuer"]
    return []
