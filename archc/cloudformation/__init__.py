"""The CloudFormation language: templates read with source positions (JSON and YAML, short-form
tags), intrinsic functions, parameters, conditions and mappings, CDK cloud assemblies, and the
template graph (resource → resource references). Below the importers, like `archc.mermaid`."""
