"""References between stacks, and the templates they render to.

Units refer to each other through `XRef` markers. Inside one stack a marker becomes ``Ref`` or
``Fn::GetAtt``; across stacks of one account and region an ``Fn::ImportValue`` of an exported output;
across accounts or regions a parameter whose value the manifest says to take from the producing
stack's output. Order-only dependencies become ``DependsOn`` inside a stack and a stack dependency
across stacks.
"""

from __future__ import annotations

from typing import Any

from archc.compiler.context import PARAM_KEY, XREF_KEY, Context
from archc.compiler.escape_hatch import condition_parameters, stack_conditions
from archc.compiler.naming import camel
from archc.compiler.stacks import Stack

MAX_OUTPUTS = 200
MAX_PARAMETERS = 200
Subst = dict[tuple[str, str | None], Any]


def _value(target: str, attr: str | None, is_list: bool) -> Any:
    v: Any = {"Ref": target} if attr is None else {"Fn::GetAtt": [target, attr]}
    return {"Fn::Join": [",", v]} if is_list else v


def resolve(ctx: Context, stacks: list[Stack]) -> None:
    home: dict[str, Stack] = {u.logical_id: st for st in stacks for u in st.units}
    for st in stacks:
        local = {u.logical_id for u in st.units}
        subst: Subst = {}
        for u in st.units:
            for name in u.params:
                spec = ctx.params[name]
                st.parameters[name] = spec.to_cfn()
                st.sources[name] = spec.source
            for target, attr, is_list in u.refs:
                key = (target, attr)
                if target in local or key in subst or target not in home:
                    continue
                producer = home[target]
                out = f"{target}{camel(attr) if attr else 'Ref'}"
                tu = ctx.units[target]
                desc = f"{attr or 'Ref'} of {target} ({tu.node}, {tu.resource.resource_type})"
                st.depends_on.add(producer.name)
                if (producer.account, producer.region) == (st.account, st.region):
                    export = f"{producer.name}-{out}"
                    producer.outputs[out] = {"Description": desc, "Value": _value(target, attr, is_list), "Export": {"Name": export}}
                    v: Any = {"Fn::ImportValue": export}
                    subst[key] = {"Fn::Split": [",", v]} if is_list else v
                else:
                    producer.outputs.setdefault(out, {"Description": desc, "Value": _value(target, attr, is_list)})
                    pname = out if out not in local else f"{out}Param"
                    st.parameters[pname] = {
                        "Type": "CommaDelimitedList" if is_list else "String",
                        "Description": f"{desc}: output {out} of stack {producer.name} ({producer.account}, {producer.region})",
                    }
                    st.sources[pname] = {"stack": producer.name, "output": out}
                    subst[key] = {"Ref": pname}
            for a in u.after:
                if a not in local and a in home:
                    st.depends_on.add(home[a].name)
        conditions = stack_conditions(ctx, [u.body for u in st.units if u.body is not None])
        for name in condition_parameters(ctx, conditions):
            st.parameters[name] = ctx.params[name].to_cfn()
            st.sources[name] = ctx.params[name].source
        st.template = _render(ctx, st, local, subst)
        if conditions:
            st.template["Conditions"] = conditions
    for st in stacks:  # outputs were added by later stacks: render again with them, and count them all
        if len(st.outputs) > MAX_OUTPUTS or len(st.parameters) > MAX_PARAMETERS:
            ctx.error((), f"stack {st.name} needs {len(st.outputs)} outputs and {len(st.parameters)} parameters; "
                      f"CloudFormation allows {MAX_OUTPUTS} and {MAX_PARAMETERS}",
                      help="split the model's accounts or regions so fewer values cross between stacks")
        st.template["Outputs"] = dict(sorted(st.outputs.items())) if st.outputs else None
        if st.template["Outputs"] is None:
            del st.template["Outputs"]


def _substitute(obj: Any, local: set[str], subst: Subst) -> Any:
    if isinstance(obj, dict):
        if len(obj) == 1:
            if XREF_KEY in obj:
                t, a, _lst = obj[XREF_KEY]
                if t in local:
                    return {"Ref": t} if a is None else {"Fn::GetAtt": [t, a]}
                return subst[(t, a)]
            if PARAM_KEY in obj:
                return {"Ref": obj[PARAM_KEY]}
        return {k: _substitute(v, local, subst) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_substitute(v, local, subst) for v in obj]
    return obj


def _render(ctx: Context, st: Stack, local: set[str], subst: Subst) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for u in st.units:
        body = _substitute(u.body, local, subst)
        body["Metadata"] = u.metadata()
        after = sorted(a for a in u.after if a in local)
        if after:
            body["DependsOn"] = after if len(after) > 1 else after[0]
        resources[u.logical_id] = body
    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"{ctx.arch.name}: {st.account_name} account ({st.account_id}), {st.region} — generated by archc from the model; do not edit",
        "Resources": resources,
    }
    if st.parameters:
        template["Parameters"] = dict(sorted(st.parameters.items()))
    return template
