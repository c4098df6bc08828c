"""The compiler: the model → troposphere resources → CloudFormation templates, one per stack.

`archc.compiler.build.compile_model` runs these phases, in this order, each reading only what the
phases before it produced:

0. **check** (`build._check`): what cannot be built at all — the lint rules of
   `archc.rules.buildable.BUILD_CODES` (untyped resources, missing fields, accounts without ids,
   references across accounts or regions that AWS does not allow, roles nothing may assume, …),
   so that a model `archc lint` passes builds. A compile function assumes what they check.
1. **declare** (`declare.declare` → `Context.declared`): every logical id a later phase refers to
   — main resources, the security group that carries each resource's traffic, the services that
   assume each role, and generated resources other resources name (Lambda aliases, compute and
   state-machine log groups, listeners, gateway attachments, subnet route tables, Cognito
   authorizers).
2. **ask** (`asks.gather` → `Context.asks`, frozen): what resources and connections ask of other
   resources — IAM statements per role and trusted roles, security-group egress, key/queue/bucket
   policy statements, bucket notifications, alarm actions, web ACL associations. First each type's
   `contribute` function (a resource's own fields: a function's role gets its log statements), then
   every connection (`connections.compile_connection`, verb by verb). The phase adds no unit: the
   resources a connection owns (a subscription, an event source mapping, an invoke permission, an
   ingress rule) are asks too (`Asks.owned`).
3. **compile**: first the units connections own (`asks.add_owned`), then (`registry.COMPILERS`)
   one compile function per resource,
   ``compile_x(ctx, rid, res: X) -> None``, which receives its typed model resource, reads the model
   (`Context.get(rid, Cls)`, `Context.of_type(Cls)`), `Context.declared` and `Context.asks`, and adds
   units with `Context.add`. It never writes what another compile function reads. Then the security
   groups (`network.compile_security_groups`).
4. **stacks**: `stacks.prepare` renders each unit once, `partition` decides which stack each lands
   in, `crossrefs.resolve` turns references between stacks into exports, imports and parameters,
   `order.deploy_order` orders the stacks.

Errors are collected (`Context.error`, model paths, the resource in the user's words via
`Context.who`) and raised together as one `CompileError` after phases 0, 3 and 4.

Adding a resource type:

1. a pydantic class in `archc.model.resources` and its row in `archc.catalog`;
2. a compile function ``compile_x(ctx, rid, res: X)`` in the family module (`compute`, `data`,
   `edge`, `messaging`, `monitoring`, `network`, `dns`, `iam`; the newer families `dynamodb`,
   `events`, `stepfunctions`, `endpoints`, `cognito`, `streams`, `rds`, whose IAM table entries
   and caller environment `services` gathers) and one row in `registry.COMPILERS`
   (where it sits decides nothing but which of two colliding generated ids is claimed first);
3. optionally, what it asks of others: a ``contribute_x(ctx, ask, rid, res: X)`` in the same row,
   a new field on `Asks`/`AsksBuilder` when a target must gather something new, entries in
   `iam.ACCESS` for the verbs that reach it (the catalogue's `IAM_ACCESS` lists the pairs), and a branch in `connections.compile_connection` for
   a verb whose meaning is not IAM;
4. tests: a case in `tests/compiler/`, and a security property in `tests/compiler/test_security.py`
   when the type holds data or opens the network.
"""
