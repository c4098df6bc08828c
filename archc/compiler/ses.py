"""SES identities: a domain or an email address mail is sent from (``AWS::SES::EmailIdentity``).

A domain signs its mail with Easy DKIM (a 2048-bit key unless the model says 1024); with a `zone`
the three DKIM CNAME records are published in it, which is also what verifies the domain. An email
address is verified by the link SES mails to it. Feedback (bounces, complaints) is forwarded by
email.

`send` from code grants ``ses:SendEmail`` and ``ses:SendRawEmail`` on the identity only, and only
from its own addresses (``ses:FromAddress``: the address, or any address of the domain).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from troposphere import Sub, route53, ses

from archc.compiler.context import Context, Statement, need
from archc.model.resources import SesIdentity

DKIM_TTL = "1800"


def identity_of(ctx: Context, rid: str) -> str:
    return need(ctx.get(rid, SesIdentity).identity)


def identity_arn(ctx: Context, rid: str) -> Any:
    p = ctx.placement(rid)
    return Sub(f"arn:${{AWS::Partition}}:ses:{p.region}:{p.account_id}:identity/{identity_of(ctx, rid)}")


def compile_ses_identity(ctx: Context, rid: str, res: SesIdentity) -> None:
    identity = need(res.identity)
    props: dict[str, Any] = {"EmailIdentity": identity, "FeedbackAttributes": ses.FeedbackAttributes(EmailForwardingEnabled=True)}
    domain = "@" not in identity
    if domain:
        props["DkimAttributes"] = ses.DkimAttributes(SigningEnabled=True)
        props["DkimSigningAttributes"] = ses.DkimSigningAttributes(NextSigningKeyLength=f"RSA_{res.dkim_key_length}_BIT")
    ctx.add(ses.EmailIdentity(ctx.main[rid], **props), rid)
    if domain and res.zone:
        for n in (1, 2, 3):
            ctx.add(route53.RecordSetType(ctx.new_id(rid, f"Dkim{n}"), HostedZoneId=ctx.ref(res.zone), Type="CNAME", TTL=DKIM_TTL,
                                          Name=ctx.ref(rid, f"DkimDNSTokenName{n}"), ResourceRecords=[ctx.ref(rid, f"DkimDNSTokenValue{n}")]), rid)


# --- IAM ---------------------------------------------------------------------------------------


def _send(ctx: Context, rid: str, sid: str) -> list[Statement]:
    identity = identity_of(ctx, rid)
    sender = {"StringEquals": {"ses:FromAddress": identity}} if "@" in identity else {"StringLike": {"ses:FromAddress": f"*@{identity}"}}
    return [Statement(sid, ("ses:SendEmail", "ses:SendRawEmail"), [identity_arn(ctx, rid)], sender)]


ACCESS: dict[tuple[str, str], Callable[[Context, str, str], list[Statement]]] = {("send", "ses_identity"): _send}


def wiring_env(ctx: Context, rid: str, name: str) -> dict[str, Any]:
    """What code connected to the identity is told: the identity (the domain or address to send from)."""
    return {f"{name}_IDENTITY": identity_of(ctx, rid)}
