"""The catalogue covers every model type, verb and relation, and its icons exist."""

from __future__ import annotations

import importlib
import typing

from archc.catalog import FIELD_RELATIONS, RELATIONS, TYPES, VERBS
from archc.model.architecture import Verb
from archc.model.references import iter_raw_refs
from archc.model.resources import RESOURCE_CLASSES


def test_every_model_type_has_a_row_and_every_row_a_type() -> None:
    assert set(TYPES) == set(RESOURCE_CLASSES)


def test_every_verb_has_a_row() -> None:
    assert set(VERBS) == set(typing.get_args(Verb))


def test_verb_endpoints_name_real_types() -> None:
    for info in VERBS.values():
        assert set(info.sources) <= set(TYPES), info.verb
        assert set(info.targets) <= set(TYPES), info.verb


# references inside nested objects: records[].target, listeners[].certificate / target_group
NESTED = {("route53_zone", "target"), ("load_balancer", "certificate"), ("load_balancer", "target_group")}


def test_field_relations_name_real_reference_fields() -> None:
    for (rtype, fieldname), kind in FIELD_RELATIONS.items():
        assert kind in RELATIONS
        cls = RESOURCE_CLASSES[rtype]
        if (rtype, fieldname) in NESTED:
            continue
        sites = list(iter_raw_refs(cls, {fieldname: "x"}))
        assert sites, f"{rtype}.{fieldname} is not a reference field"


def test_icons_resolve_to_diagrams_classes() -> None:
    for info in TYPES.values():
        module, cls = info.icon.rsplit(".", 1)
        assert hasattr(importlib.import_module(module), cls), info.icon


def test_inference_words_are_lower_case() -> None:
    for table in (TYPES, VERBS, RELATIONS):
        for row in table.values():
            assert all(w == w.lower() for w in row.words), row


SERVICE_LABELS = [
    ("Orders DynamoDB", "dynamodb_table"), ("Order Events EventBridge Bus", "eventbridge_bus"), ("EventBridge Rule", "eventbridge_rule"),
    ("Nightly EventBridge Scheduler", "eventbridge_schedule"), ("Checkout Step Functions", "state_machine"),
    ("S3 Gateway Endpoint", "vpc_endpoint"), ("Cognito User Pool", "cognito_user_pool"), ("Web App Client", "cognito_user_pool_client"),
    ("Clickstream Kinesis", "kinesis_stream"), ("API ECR Repository", "ecr_repository"),
    ("Sessions ElastiCache", "elasticache"), ("Redis", "elasticache"), ("Valkey Cache", "elasticache"),
    ("Product OpenSearch", "opensearch_domain"), ("Logs Elasticsearch", "opensearch_domain"), ("Search", None),
    ("Cache", None),  # a bare "cache" is a role in a drawing (a CDN's, a function's), not a service
    ("Scheduler", None),  # a bare "scheduler" is a function's name, not a schedule
    ("Orders DB", None),  # "db" names no service: a wrong type is worse than none
]


def test_service_types_are_inferred_from_their_service_names_only() -> None:
    from archc.importers.infer import _words_text, match_type

    for label, rtype in SERVICE_LABELS:
        found = match_type(_words_text(label))
        assert (found[0] if found else None) == rtype, label
