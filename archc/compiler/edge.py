"""The edge: load balancers and target groups, API Gateway, WAF web ACLs, CloudFront."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from troposphere import Sub, apigateway, apigatewayv2, awslambda, cloudfront, logs, wafv2
from troposphere import elasticloadbalancingv2 as elb

from archc.compiler.cognito import authorization, authorizer_problems, compile_authorizer
from archc.compiler.context import AsksBuilder, Context, need
from archc.compiler.iam import service_role
from archc.compiler.naming import camel
from archc.model.resources import ApiGateway, CloudFrontDistribution, LoadBalancer, TargetGroup, WebAcl

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
# AWS-managed CloudFront policies (fixed ids published by AWS)
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03"
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"  # the hosted zone id of every CloudFront distribution (alias records)
MANAGED_RULES = {
    "common": "AWSManagedRulesCommonRuleSet",
    "known_bad_inputs": "AWSManagedRulesKnownBadInputsRuleSet",
    "sql_injection": "AWSManagedRulesSQLiRuleSet",
    "ip_reputation": "AWSManagedRulesAmazonIpReputationList",
    "anonymous_ip": "AWSManagedRulesAnonymousIpList",
}


# --- load balancers ----------------------------------------------------------------------------


def compile_load_balancer(ctx: Context, rid: str, res: LoadBalancer) -> None:
    lid = ctx.main[rid]
    attributes = [
        elb.LoadBalancerAttributes(Key="deletion_protection.enabled", Value=str(res.deletion_protection).lower()),
    ]
    if res.kind == "application":
        attributes.append(elb.LoadBalancerAttributes(Key="routing.http.drop_invalid_header_fields.enabled", Value="true"))
    sgs = [ctx.ref(ctx.sg[rid], "GroupId")] + [ctx.ref(s, "GroupId") for s in res.security_groups[1:]]
    unit = ctx.add(elb.LoadBalancer(lid, Type=res.kind, Scheme=res.scheme, Subnets=[ctx.ref(s) for s in res.subnets],
                                    SecurityGroups=sgs, LoadBalancerAttributes=attributes), rid)
    unit.skip("CKV_AWS_91", "access logs need a log bucket with an ELB delivery policy, which the model does not define")
    for i, (listener, llid) in enumerate(zip(res.listeners, ctx.declared.listeners[rid], strict=True)):
        if listener.action == "redirect_https":
            https_port = next((x.port for x in res.listeners if x.protocol == "HTTPS"), 443)
            action = elb.Action(Type="redirect", RedirectConfig=elb.RedirectConfig(Protocol="HTTPS", Port=str(https_port), StatusCode="HTTP_301"))
        else:
            action = elb.Action(Type="forward", TargetGroupArn=ctx.ref(need(listener.target_group)))
        props: dict[str, Any] = {"LoadBalancerArn": ctx.ref(rid), "Port": listener.port, "Protocol": listener.protocol,
                                 "DefaultActions": [action]}
        if listener.protocol == "HTTPS":
            props["Certificates"] = [elb.Certificate(CertificateArn=ctx.ref(need(listener.certificate)))]
            props["SslPolicy"] = TLS_POLICY
        lunit = ctx.add(elb.Listener(llid, **props), rid)
        if listener.protocol == "HTTP" and listener.action != "redirect_https":
            lunit.skip("CKV_AWS_2", f"listener {i + 1} of {rid} is plain HTTP by the model's choice")
    if res.web_acl:
        ctx.add(wafv2.WebACLAssociation(ctx.new_id(rid, "WebAclAssociation"), ResourceArn=ctx.ref(rid), WebACLArn=ctx.ref(res.web_acl, "Arn")), rid)
    for acl in ctx.asks.web_acls.get(rid, ()):  # web ACLs that `forward` to the load balancer
        key = f"waf:{rid}:{acl}"
        if acl != res.web_acl and key not in ctx.singletons:
            ctx.singletons[key] = acl
            ctx.add(wafv2.WebACLAssociation(ctx.new_id(rid, f"{camel(acl)}Association"), ResourceArn=ctx.ref(rid),
                                            WebACLArn=ctx.ref(acl, "Arn")), rid)


def compile_target_group(ctx: Context, rid: str, res: TargetGroup) -> None:
    hc = res.health_check
    props: dict[str, Any] = {"TargetType": res.target_type, "HealthCheckPath": hc.path, "HealthCheckIntervalSeconds": hc.interval_seconds,
                             "HealthyThresholdCount": hc.healthy_threshold, "UnhealthyThresholdCount": hc.unhealthy_threshold,
                             "HealthCheckEnabled": True}
    if res.target_type != "lambda":
        props.update(Port=res.port, Protocol=res.protocol, VpcId=ctx.ref(need(res.vpc)), HealthCheckProtocol=res.protocol)
    ctx.add(elb.TargetGroup(ctx.main[rid], **props), rid)


# --- API Gateway -------------------------------------------------------------------------------


# Errors API Gateway returns itself (WAF blocks, throttling, a failed integration) as JSON with the
# request id, like the Lambda proxy's own errors, instead of API Gateway's bare default.
GATEWAY_ERROR_BODY = '{"message": $context.error.messageString, "requestId": "$context.requestId"}'


def _gateway_responses(ctx: Context, rid: str) -> list[str]:
    out = []
    for kind in ("4XX", "5XX"):
        lid = ctx.new_id(rid, f"Default{kind}Response")
        ctx.add(apigateway.GatewayResponse(lid, RestApiId=ctx.ref(rid), ResponseType=f"DEFAULT_{kind}",
                                           ResponseTemplates={"application/json": GATEWAY_ERROR_BODY}), rid)
        out.append(lid)
    return out


def _invoke_targets(ctx: Context, rid: str) -> list[tuple[int, str]]:
    return [(i, c.target) for i, c in ctx.out.get(rid, []) if c.verb == "invoke" and ctx.type_of(c.target) == "lambda_function"]


def _api_cloudwatch_account(ctx: Context, rid: str) -> str:
    """API Gateway's account-wide CloudWatch role (one per account and region): needed for stage logging."""
    p = ctx.placement(rid)
    key = f"apigw-account:{p.account}:{p.region}"
    if key in ctx.singletons:
        return ctx.singletons[key]
    role = service_role(ctx, rid, "ApiGatewayCloudWatchRole", "apigateway.amazonaws.com", [], managed=[
        Sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")])
    lid = ctx.new_id(rid, "ApiGatewayAccount")
    ctx.add(apigateway.Account(lid, CloudWatchRoleArn=ctx.ref(role, "Arn")), rid)
    ctx.singletons[key] = lid
    return lid


def _access_log_group(ctx: Context, rid: str) -> str:
    lid = ctx.new_id(rid, "AccessLogs")
    unit = ctx.add(logs.LogGroup(lid, RetentionInDays=ctx.log_retention_days(rid), DeletionPolicy="Retain", UpdateReplacePolicy="Retain"), rid)
    unit.skip("CKV_AWS_158", "access logs are encrypted with the CloudWatch Logs service key; the model names no KMS key for the API")
    return lid


ACCESS_LOG_FORMAT = json.dumps({
    "requestId": "$context.requestId", "ip": "$context.identity.sourceIp", "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod", "path": "$context.path", "status": "$context.status",
    "responseLength": "$context.responseLength", "latency": "$context.responseLatency",
}, sort_keys=True)


def compile_api_gateway(ctx: Context, rid: str, res: ApiGateway) -> None:
    from archc.compiler.compute import invoke_arn

    targets = _invoke_targets(ctx, rid)
    if not targets:
        return  # ARC133 (archc.rules.buildable.entry_points) refuses this before compiling
    for problem in authorizer_problems(ctx, rid):
        ctx.error(ctx.path(rid), f"{ctx.who(rid)}: {problem}")
    compile_authorizer(ctx, rid, res)
    if res.kind == "http":
        _http_api(ctx, rid, res, targets)
        return
    lid = ctx.main[rid]
    ctx.add(apigateway.RestApi(lid, Name=f"{ctx.arch.name}-{rid}", Description=res.description or f"{rid} (archc)",
                               EndpointConfiguration=apigateway.EndpointConfiguration(Types=[res.endpoint.upper()])), rid)
    methods: list[str] = []
    api_units: list[str] = [lid]  # what a deployment snapshots

    def method(suffix: str, resource_id: Any, fn: str) -> None:
        mlid = ctx.new_id(rid, suffix)
        uri = Sub("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn}/invocations", Fn=invoke_arn(ctx, fn))
        auth = authorization(ctx, rid)  # a Cognito authorizer when an app client names this API (archc.compiler.cognito)
        unit = ctx.add(apigateway.Method(mlid, RestApiId=ctx.ref(rid), ResourceId=resource_id, HttpMethod="ANY", **(auth or {"AuthorizationType": "NONE"}),
                                         Integration=apigateway.Integration(Type="AWS_PROXY", IntegrationHttpMethod="POST", Uri=uri)), rid)
        if not auth:
            unit.skip("CKV_AWS_59", "a public API by the model's design (API clients on the internet, behind WAF); the model defines no authorizer")
        methods.append(mlid)

    for n, (_, fn) in enumerate(targets):
        if len(targets) == 1:
            parent = ctx.ref(rid, "RootResourceId")
            method("RootMethod", parent, fn)
        else:
            part = ctx.new_id(rid, f"{camel(fn)}Resource")
            ctx.add(apigateway.Resource(part, RestApiId=ctx.ref(rid), ParentId=ctx.ref(rid, "RootResourceId"),
                                        PathPart=fn.lower().replace("_", "-")), rid)
            api_units.append(part)
            parent = ctx.ref(part)
            method(f"{camel(fn)}Method", parent, fn)
        proxy = ctx.new_id(rid, f"{camel(fn)}Proxy" if len(targets) > 1 else "ProxyResource")
        ctx.add(apigateway.Resource(proxy, RestApiId=ctx.ref(rid), ParentId=parent, PathPart="{proxy+}"), rid)
        api_units.append(proxy)
        method(f"{camel(fn)}ProxyMethod" if len(targets) > 1 else "ProxyMethod", ctx.ref(proxy), fn)
        ctx.add(awslambda.Permission(ctx.new_id(rid, f"Invoke{camel(fn)}Permission"), Action="lambda:InvokeFunction",
                                     FunctionName=invoke_arn(ctx, fn), Principal="apigateway.amazonaws.com",
                                     SourceArn=Sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*", Api=ctx.ref(rid))), rid)
    responses = _gateway_responses(ctx, rid)
    # A deployment is a snapshot of the API taken when it is created: a new logical id (a hash of
    # everything it snapshots) whenever the API changes, or the stage keeps serving the old one.
    snapshot = json.dumps([ctx.units[u].resource.to_dict() for u in [*api_units, *methods, *responses]], sort_keys=True, default=str)
    deployment = ctx.new_id(rid, f"Deployment{hashlib.sha256(snapshot.encode()).hexdigest()[:10].upper()}")
    dunit = ctx.add(apigateway.Deployment(deployment, RestApiId=ctx.ref(rid), Description=f"{rid} deployment"), rid)
    dunit.after.update(methods + responses)
    account = _api_cloudwatch_account(ctx, rid)
    access = _access_log_group(ctx, rid)
    setting: dict[str, Any] = {"ResourcePath": "/*", "HttpMethod": "*", "LoggingLevel": "ERROR", "MetricsEnabled": True, "DataTraceEnabled": False}
    if res.throttle_rate is not None:
        setting["ThrottlingRateLimit"] = float(res.throttle_rate)
    if res.throttle_burst is not None:
        setting["ThrottlingBurstLimit"] = res.throttle_burst
    stage = ctx.new_id(rid, "Stage")
    sunit = ctx.add(apigateway.Stage(stage, RestApiId=ctx.ref(rid), DeploymentId=ctx.ref(deployment), StageName=res.stage,
                                     TracingEnabled=res.tracing, MethodSettings=[apigateway.MethodSetting(**setting)],
                                     AccessLogSetting=apigateway.AccessLogSetting(DestinationArn=ctx.ref(access, "Arn"), Format=ACCESS_LOG_FORMAT)), rid)
    sunit.after.add(account)
    sunit.skip("CKV_AWS_120", "responses are dynamic per request; the model asks for no API cache")
    for acl in ([res.web_acl] if res.web_acl else []) + list(ctx.asks.web_acls.get(rid, ())):  # its own, then `forward` connections
        _associate_stage(ctx, rid, res, stage, acl)


def _associate_stage(ctx: Context, rid: str, res: ApiGateway, stage: str, acl: str) -> None:
    key = f"waf:{rid}:{acl}"
    if key in ctx.singletons:
        return
    ctx.singletons[key] = acl
    arn = Sub(f"arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}::/restapis/${{Api}}/stages/{res.stage}", Api=ctx.ref(rid))
    unit = ctx.add(wafv2.WebACLAssociation(ctx.new_id(rid, "WebAclAssociation"), ResourceArn=arn, WebACLArn=ctx.ref(acl, "Arn")), rid)
    unit.after.add(stage)


def _http_api(ctx: Context, rid: str, res: ApiGateway, targets: list[tuple[int, str]]) -> None:
    from archc.compiler.compute import invoke_arn

    fn = targets[0][1]
    lid = ctx.main[rid]
    ctx.add(apigatewayv2.Api(lid, Name=f"{ctx.arch.name}-{rid}", ProtocolType="HTTP", Description=res.description or f"{rid} (archc)"), rid)
    integ = ctx.new_id(rid, "Integration")
    ctx.add(apigatewayv2.Integration(integ, ApiId=ctx.ref(rid), IntegrationType="AWS_PROXY", IntegrationUri=invoke_arn(ctx, fn),
                                     PayloadFormatVersion="2.0"), rid)
    ctx.add(apigatewayv2.Route(ctx.new_id(rid, "DefaultRoute"), ApiId=ctx.ref(rid), RouteKey="$default",
                               Target=Sub("integrations/${Integration}", Integration=ctx.ref(integ)), **authorization(ctx, rid)), rid)
    access = _access_log_group(ctx, rid)
    route: dict[str, Any] = {"DetailedMetricsEnabled": True}
    if res.throttle_rate is not None:
        route["ThrottlingRateLimit"] = float(res.throttle_rate)
    if res.throttle_burst is not None:
        route["ThrottlingBurstLimit"] = res.throttle_burst
    ctx.add(apigatewayv2.Stage(ctx.new_id(rid, "Stage"), ApiId=ctx.ref(rid), StageName="$default", AutoDeploy=True,
                               DefaultRouteSettings=apigatewayv2.RouteSettings(**route),
                               AccessLogSettings=apigatewayv2.AccessLogSettings(DestinationArn=ctx.ref(access, "Arn"), Format=ACCESS_LOG_FORMAT)), rid)
    ctx.add(awslambda.Permission(ctx.new_id(rid, "InvokePermission"), Action="lambda:InvokeFunction", FunctionName=invoke_arn(ctx, fn),
                                 Principal="apigateway.amazonaws.com",
                                 SourceArn=Sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*", Api=ctx.ref(rid))), rid)


# --- WAF ---------------------------------------------------------------------------------------


def _visibility(name: str) -> wafv2.VisibilityConfig:
    return wafv2.VisibilityConfig(SampledRequestsEnabled=True, CloudWatchMetricsEnabled=True, MetricName=name[:128])


def compile_web_acl(ctx: Context, rid: str, res: WebAcl) -> None:
    lid = ctx.main[rid]
    rules: list[wafv2.WebACLRule] = []
    default = wafv2.DefaultAction(Allow=wafv2.AllowAction())
    if res.ip_filtering:
        addresses: Any = list(res.ip_filtering.addresses)
        if not addresses:
            verb = "block" if res.ip_filtering.mode == "block" else "allow"
            addresses = ctx.param(f"{lid}IpAddresses", "CommaDelimitedList",
                                  f"CIDR blocks that web ACL {rid} should {verb}, comma-separated (e.g. 192.0.2.0/24,198.51.100.7/32)")
        ipset = ctx.new_id(rid, "IpSet")
        ctx.add(wafv2.IPSet(ipset, Scope=res.scope, IPAddressVersion="IPV4", Addresses=addresses, Description=f"IP filtering of {rid}"), rid)
        stmt = wafv2.Statement(IPSetReferenceStatement=wafv2.IPSetReferenceStatement(Arn=ctx.ref(ipset, "Arn")))
        if res.ip_filtering.mode == "block":
            action = wafv2.RuleAction(Block=wafv2.BlockAction())
        else:
            action = wafv2.RuleAction(Allow=wafv2.AllowAction())
            default = wafv2.DefaultAction(Block=wafv2.BlockAction())
        rules.append(wafv2.WebACLRule(Name="ip-filtering", Priority=len(rules), Action=action, Statement=stmt,
                                      VisibilityConfig=_visibility(f"{lid}IpFiltering")))
    if res.rate_limit:
        stmt = wafv2.Statement(RateBasedStatement=wafv2.RateBasedStatement(Limit=res.rate_limit.limit, AggregateKeyType="IP",
                                                                           EvaluationWindowSec=res.rate_limit.window_seconds))
        rules.append(wafv2.WebACLRule(Name="rate-limit", Priority=len(rules), Action=wafv2.RuleAction(Block=wafv2.BlockAction()),
                                      Statement=stmt, VisibilityConfig=_visibility(f"{lid}RateLimit")))
    for name in res.managed_rules:
        group = MANAGED_RULES[name]
        stmt = wafv2.Statement(ManagedRuleGroupStatement=wafv2.ManagedRuleGroupStatement(VendorName="AWS", Name=group))
        rules.append(wafv2.WebACLRule(Name=group, Priority=len(rules), OverrideAction=wafv2.OverrideAction(**{"None": {}}),
                                      Statement=stmt, VisibilityConfig=_visibility(f"{lid}{group}")))
    unit = ctx.add(wafv2.WebACL(lid, Scope=res.scope, DefaultAction=default, Rules=rules, Description=re.sub(r"[^a-zA-Z0-9=:#@/,. -]", "-", f"web ACL {rid} of {ctx.arch.name}"),
                                VisibilityConfig=_visibility(lid)), rid)
    if "known_bad_inputs" not in res.managed_rules:
        unit.skip("CKV_AWS_192", "the model chooses this web ACL's managed rule groups and leaves out known_bad_inputs (Log4j)")
    # WAF logs: the log group's name must start with aws-waf-logs-
    group = ctx.new_id(rid, "Logs")
    log_name = f"aws-waf-logs-{ctx.arch.name}-{rid}".lower().replace("_", "-")[:512]
    gunit = ctx.add(logs.LogGroup(group, LogGroupName=log_name, RetentionInDays=ctx.log_retention_days(rid),
                                  DeletionPolicy="Retain", UpdateReplacePolicy="Retain"), rid)
    gunit.skip("CKV_AWS_158", "WAF logs are encrypted with the CloudWatch Logs service key; the model names no KMS key for them")
    ctx.add(wafv2.LoggingConfiguration(ctx.new_id(rid, "LoggingConfiguration"), ResourceArn=ctx.ref(rid, "Arn"),
                                       LogDestinationConfigs=[Sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Group}",
                                                                  Group=ctx.ref(group))]), rid)


# --- CloudFront --------------------------------------------------------------------------------


def contribute_cloudfront_distribution(ctx: Context, ask: AsksBuilder, rid: str, res: CloudFrontDistribution) -> None:
    """The buckets it reads through origin access control let it in (their policies)."""
    for _, conn in ctx.out.get(rid, []):
        if conn.verb == "origin" and ctx.type_of(conn.target) == "s3_bucket":
            ask.bucket_readers[conn.target].append(rid)


def _lb_origin(ctx: Context, target: str, oid: str) -> cloudfront.Origin | None:
    lb = ctx.get(target, LoadBalancer)
    https = next((x for x in lb.listeners if x.protocol == "HTTPS"), None)
    http = next((x for x in lb.listeners if x.protocol == "HTTP"), None)
    if https is not None and not lb.domain:
        return None  # ARC133 refuses this before compiling
    domain = lb.domain if https is not None else ctx.ref(target, "DNSName")
    origin_config = cloudfront.CustomOriginConfig(
        OriginProtocolPolicy="https-only" if https else "http-only", HTTPSPort=https.port if https else 443,
        HTTPPort=http.port if http else 80, OriginSSLProtocols=["TLSv1.2"])
    return cloudfront.Origin(Id=oid, DomainName=domain, CustomOriginConfig=origin_config)


def _origins(ctx: Context, rid: str) -> tuple[list[cloudfront.Origin], list[tuple[str, str]]]:
    """The distribution's origins and, per origin, (origin id, "static" or "dynamic")."""
    origins: list[cloudfront.Origin] = []
    behaviours: list[tuple[str, str]] = []
    for _, conn in ctx.out.get(rid, []):
        if conn.verb != "origin":
            continue
        target = conn.target
        t = ctx.type_of(target)
        oid = camel(target)
        if t == "load_balancer":
            origin = _lb_origin(ctx, target, oid)
            if origin is None:
                continue
            origins.append(origin)
            behaviours.append((oid, "dynamic"))
        elif t == "s3_bucket":
            oac = ctx.new_id(rid, f"{camel(target)}OriginAccessControl")
            ctx.add(cloudfront.OriginAccessControl(oac, OriginAccessControlConfig=cloudfront.OriginAccessControlConfig(
                Name=f"{ctx.arch.name}-{rid}-{target}"[:64], OriginAccessControlOriginType="s3", SigningBehavior="always",
                SigningProtocol="sigv4", Description=f"{rid} reads {target}")), rid)
            origins.append(cloudfront.Origin(Id=oid, DomainName=ctx.ref(target, "RegionalDomainName"),
                                             S3OriginConfig=cloudfront.S3OriginConfig(OriginAccessIdentity=""), OriginAccessControlId=ctx.ref(oac, "Id")))
            behaviours.append((oid, "static"))
        elif t == "api_gateway":
            api = ctx.get(target, ApiGateway)
            origins.append(cloudfront.Origin(Id=oid, DomainName=Sub("${Api}.execute-api.${AWS::Region}.amazonaws.com", Api=ctx.ref(target)),
                                             OriginPath=f"/{api.stage}",
                                             CustomOriginConfig=cloudfront.CustomOriginConfig(OriginProtocolPolicy="https-only", OriginSSLProtocols=["TLSv1.2"])))
            behaviours.append((oid, "dynamic"))
    return origins, behaviours


def _behaviour_props(oid: str, kind: str) -> dict[str, Any]:
    props: dict[str, Any] = {"TargetOriginId": oid, "ViewerProtocolPolicy": "redirect-to-https", "Compress": True,
                             "ResponseHeadersPolicyId": SECURITY_HEADERS}
    if kind == "static":
        props.update(CachePolicyId=CACHING_OPTIMIZED, AllowedMethods=["GET", "HEAD", "OPTIONS"], CachedMethods=["GET", "HEAD"])
    else:
        props.update(CachePolicyId=CACHING_DISABLED, OriginRequestPolicyId=ALL_VIEWER_EXCEPT_HOST,
                     AllowedMethods=["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"], CachedMethods=["GET", "HEAD"])
    return props


def _viewer(ctx: Context, rid: str, res: CloudFrontDistribution, config: dict[str, Any]) -> None:
    """The viewer certificate and web ACL of the distribution's config."""
    if res.certificate:
        config["ViewerCertificate"] = cloudfront.ViewerCertificate(AcmCertificateArn=ctx.ref(res.certificate), SslSupportMethod="sni-only",
                                                                   MinimumProtocolVersion="TLSv1.2_2021")
    elif not res.aliases:  # aliases without a certificate: ARC133 refuses them before compiling
        config["ViewerCertificate"] = cloudfront.ViewerCertificate(CloudFrontDefaultCertificate=True)
    if res.web_acl:
        config["WebACLId"] = ctx.ref(res.web_acl, "Arn")


def compile_cloudfront_distribution(ctx: Context, rid: str, res: CloudFrontDistribution) -> None:
    lid = ctx.main[rid]
    origins, behaviours = _origins(ctx, rid)
    if not origins:
        return  # ARC133 refuses this before compiling
    default_idx = next((n for n, (_, kind) in enumerate(behaviours) if kind == "dynamic"), 0)
    d_oid, d_kind = behaviours[default_idx]
    config: dict[str, Any] = {
        "Enabled": True, "Comment": f"{rid} ({ctx.arch.name})", "HttpVersion": "http2and3", "IPV6Enabled": True, "PriceClass": res.price_class,
        "Origins": origins, "DefaultCacheBehavior": cloudfront.DefaultCacheBehavior(**_behaviour_props(d_oid, d_kind)),
    }
    others = [b for n, b in enumerate(behaviours) if n != default_idx]
    if others:
        config["CacheBehaviors"] = [cloudfront.CacheBehavior(PathPattern=f"/{oid.lower()}/*" if kind == "dynamic" else "/static/*",
                                                             **_behaviour_props(oid, kind)) for oid, kind in others]
    if res.default_root_object:
        config["DefaultRootObject"] = res.default_root_object
    if res.aliases:
        config["Aliases"] = list(res.aliases)
    _viewer(ctx, rid, res, config)
    unit = ctx.add(cloudfront.Distribution(lid, DistributionConfig=cloudfront.DistributionConfig(**config)), rid)
    unit.skip("CKV_AWS_86", "standard access logs need a log bucket with ACLs enabled, which the model does not define")
    if not res.certificate:
        unit.skip("CKV_AWS_174", "the distribution serves only its *.cloudfront.net name, with CloudFront's default certificate, whose minimum "
                                 "protocol CloudFront fixes; give it aliases and an acm_certificate to require TLS 1.2")
