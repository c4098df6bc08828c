"""Stack partitioning: size limits split a stack with cross-stack references; cycles between regions split into phases."""

from __future__ import annotations

from archc.compiler.stacks import MAX_RESOURCES
from tests.compiler.helpers import compile_texts, model_text


def _many_queues(n: int) -> str:
    """n queues, each the dead-letter queue of the next: a chain of references across the whole model."""
    lines = [f"  q{i:04d}: {{type: sqs_queue, encrypted: false" + (f", dead_letter_queue: q{i - 1:04d}" if i else "") + "}\n" for i in range(n)]
    return "".join(lines)


def test_a_stack_over_500_resources_is_split_with_exports_and_imports() -> None:
    build = compile_texts(("main.yaml", model_text(_many_queues(300))))  # 600 resources: queue + queue policy each
    stacks = build.stacks
    assert [st.name for st in stacks] == ["t-main-us-west-2-1", "t-main-us-west-2-2"]
    assert [len(st.units) for st in stacks] == [MAX_RESOURCES, 100]
    first, second = stacks
    assert second.depends_on == {first.name}
    assert first.depends_on == set()
    # the chain crosses the cut: the second part imports what the first exports
    imports = [json_path for json_path in _find(second.template, "Fn::ImportValue")]
    assert imports, "no cross-stack reference"
    exported = {o["Export"]["Name"] for o in first.outputs.values()}
    assert set(imports) <= exported
    assert build.manifest()["order"] == [first.name, second.name]
    for st in stacks:
        assert len(st.template["Resources"]) <= MAX_RESOURCES


def _find(obj: object, key: str) -> list[str]:
    out: list[str] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == key:
                out.append(v)
            else:
                out += _find(v, key)
    elif isinstance(obj, list):
        for v in obj:
            out += _find(v, key)
    return out


def test_references_across_regions_become_parameters_fed_by_outputs() -> None:
    text = model_text(
        "  key: {type: kms_key, region: us-east-1}\n"
        "  logs: {type: log_group, region: us-east-1, kms_key: key, retention_days: 30}\n"
        "  zone: {type: route53_zone, domain: example.com}\n"
        "  cert: {type: acm_certificate, region: us-east-1, domain: '*.example.com', zone: zone}\n")
    build = compile_texts(("main.yaml", text))
    by_name = {st.name: st for st in build.stacks}
    east = by_name["t-main-us-east-1"]
    assert east.sources == {"ZoneRef": {"stack": "t-main-us-west-2", "output": "ZoneRef"}}
    assert "ZoneRef" in by_name["t-main-us-west-2"].template["Outputs"]
    assert "Export" not in by_name["t-main-us-west-2"].template["Outputs"]["ZoneRef"]  # exports do not cross regions
    assert build.order == ["t-main-us-west-2", "t-main-us-east-1"]


def test_a_cycle_between_regions_splits_only_what_must_deploy_early() -> None:
    text = model_text(
        "  zone: {type: route53_zone, domain: example.com, records: [{name: cdn.example.com, type: A, target: cdn}]}\n"
        "  cert: {type: acm_certificate, region: us-east-1, domain: '*.example.com', zone: zone}\n"
        "  site: {type: s3_bucket, name: site}\n"
        "  cdn: {type: cloudfront_distribution, aliases: [cdn.example.com], certificate: cert}\n",
        "  - {from: cdn, to: site, verb: origin}\n")
    build = compile_texts(("main.yaml", text))
    stacks = {st.name: {u.node for u in st.units} for st in build.stacks}
    assert stacks == {"t-main-us-west-2-1": {"zone"}, "t-main-us-east-1": {"cert"}, "t-main-us-west-2-2": {"zone", "site", "cdn"}}
    assert build.order == ["t-main-us-west-2-1", "t-main-us-east-1", "t-main-us-west-2-2"]
    second = next(st for st in build.stacks if st.name == "t-main-us-west-2-2")
    assert second.sources["CertRef"] == {"stack": "t-main-us-east-1", "output": "CertRef"}
    # the zone's record for the CDN lives with the CDN and imports the zone from phase 1 (same account and region)
    record = second.template["Resources"]["ZoneCdnExampleComARecord"]["Properties"]
    assert record["HostedZoneId"] == {"Fn::ImportValue": "t-main-us-west-2-1-ZoneRef"}


def test_partitioning_is_deterministic() -> None:
    text = model_text(_many_queues(260))
    a = compile_texts(("main.yaml", text)).files()
    b = compile_texts(("main.yaml", text)).files()
    assert a == b
