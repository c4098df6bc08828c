"""Logical ids: alphanumeric, derived from model ids, unique whatever the order."""

from __future__ import annotations

from archc.compiler.naming import LogicalIds, bucket_name, camel, model_bases


def test_camel() -> None:
    assert camel("LAMBDA_API") == "LambdaApi"
    assert camel("priv_1c") == "Priv1c"
    assert camel("myBucket") == "MyBucket"
    assert camel("cdn.example-com") == "CdnExampleCom"


def test_colliding_model_ids_get_distinct_stable_stems() -> None:
    a = model_bases(["db_main", "DB_MAIN", "other"])
    b = model_bases(["other", "DB_MAIN", "db_main"])
    assert a == b
    assert a["other"] == "Other"
    assert a["db_main"] != a["DB_MAIN"] and a["db_main"].startswith("DbMainX")


def test_generated_ids_never_collide_with_main_ids() -> None:
    ids = LogicalIds(["fn", "fn_role"])
    main = [ids.claim("fn"), ids.claim("fn_role")]
    generated = ids.claim("fn", "Role")
    assert main == ["Fn", "FnRole"]
    assert generated not in main and generated.startswith("FnRoleX")


def test_bucket_names_are_globally_unique_by_account_and_region() -> None:
    assert bucket_name("prod-assets", "978489150794", "us-west-2") == "prod-assets-978489150794-us-west-2"
