"""SES identities: what the model refuses, and why."""

from __future__ import annotations

import pytest

from archc.diagnostics import ModelError
from archc.model.loader import load_text

HEAD = 'archc: 1\naccounts:\n  main: {id: "111111111111", name: Main, region: us-west-2}\nresources:\n  zone: {type: route53_zone, domain: example.com}\n'


@pytest.mark.parametrize(("resource", "message"), [
    ("{type: ses_identity, identity: noreply@example.com, zone: zone}", "zone apply to a domain identity only"),
    ("{type: ses_identity, identity: noreply@example.com, dkim_key_length: 1024}", "dkim_key_length apply to a domain identity only"),
    ("{type: ses_identity, identity: Example.COM}", "identity"),
    ("{type: ses_identity, identity: localhost}", "identity"),
    ("{type: ses_identity, identity: a@b@example.com}", "identity"),
    ("{type: ses_identity, identity: example.com, dkim_key_length: 4096}", "dkim_key_length"),
])
def test_refused_with_the_reason(resource: str, message: str) -> None:
    with pytest.raises(ModelError) as err:
        load_text(HEAD + "  r: " + resource + "\n", "m.yaml")
    assert message in str(err.value) + " ".join(f"{d.message} {d.path}" for d in err.value.diagnostics)


@pytest.mark.parametrize("identity", ["example.com", "mail.example.co.uk", "no-reply+alerts@mail.example.com", "x@example.io"])
def test_domains_and_addresses_load(identity: str) -> None:
    res = load_text(HEAD + f"  r: {{type: ses_identity, identity: '{identity}'}}\n", "m.yaml").architecture.resources["r"]
    assert (res.identity, res.dkim_key_length, res.zone) == (identity, 2048, None)
