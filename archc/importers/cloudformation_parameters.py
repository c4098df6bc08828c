"""A template's Parameters and Conditions, kept in the model (`Architecture.parameters`,
`Architecture.conditions`) so that nothing the template says vanishes from the import.

Every parameter of every stack becomes a model parameter with its type, description, default,
allowed values and constraints; every condition a model condition, over the model parameters. A
name two stacks declare differently gets the stack's name in front (``Stage`` → ``AppStage``);
one that equals a resource id gets ``Param`` after it (CloudFormation's ``Ref`` cannot tell a
parameter from a resource). `Names` maps each stack's names to the model's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from archc.cloudformation.assembly import Stack
from archc.cloudformation.intrinsics import references
from archc.model.architecture import Parameter

_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")

# CloudFormation's parameter attributes → the model's
_FIELDS = {
    "Type": "type", "Description": "description", "Default": "default", "AllowedValues": "allowed_values",
    "AllowedPattern": "allowed_pattern", "ConstraintDescription": "constraint_description", "MinLength": "min_length",
    "MaxLength": "max_length", "MinValue": "min_value", "MaxValue": "max_value", "NoEcho": "no_echo",
}


@dataclass
class Names:
    """Each stack's parameter and condition names → the model's, and the model's sections."""

    parameters: dict[str, Parameter] = field(default_factory=dict)
    conditions: dict[str, dict[str, Any]] = field(default_factory=dict)
    param_of: dict[tuple[str, str], str] = field(default_factory=dict)  # (stack, template name) → model name
    condition_of: dict[tuple[str, str], str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def parameter(self, stack: str, name: str) -> str | None:
        return self.param_of.get((stack, name))

    def condition(self, stack: str, name: str) -> str | None:
        return self.condition_of.get((stack, name))


def _parameter(spec: Any) -> Parameter | str:
    """The model's parameter for a template's declaration, or why it is not one."""
    if not isinstance(spec, dict):
        return f"a parameter is a mapping, not {type(spec).__name__}"
    data: dict[str, Any] = {}
    for key, value in spec.items():
        name = _FIELDS.get(str(key))
        if name is None:
            continue
        if name == "no_echo":
            value = value is True or str(value).lower() == "true"
        elif name in ("min_length", "max_length") and isinstance(value, str) and value.isdigit():
            value = int(value)
        elif name in ("min_value", "max_value") and isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                pass
        data[name] = value
    try:
        return Parameter.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"


def _free(name: str, stack: str, taken: set[str], resources: set[str]) -> str:
    for candidate in (name, _NOT_ALNUM.sub("", stack.title()) + name):
        if candidate not in taken and candidate not in resources:
            return candidate
    i = 1
    while f"{name}Param{i if i > 1 else ''}" in taken | resources:
        i += 1
    return f"{name}Param{i if i > 1 else ''}"


def generated(stack: Stack) -> bool:
    """Whether *stack* is `archc build` output (every resource names its model node)."""
    decls = stack.template.resources.values()
    return bool(decls) and all(isinstance(d.metadata.get("archc"), dict) and d.metadata["archc"].get("node") for d in decls)


def keep(stacks: list[Stack], resource_ids: set[str], model_uses: dict[str, set[str]] | None = None) -> Names:
    """Every stack's parameters and conditions as the model's, with the names mapped.

    Of a stack `archc build` wrote, only the parameters its conditions name or *model_uses*
    gives (stack name → the parameters the model's escape hatches name): the others are the
    deploy inputs archc makes for typed resources (code keys, images), not the model's."""
    names = Names()
    for stack in stacks:
        tpl = stack.template
        wanted: set[str] | None = None
        if generated(stack):
            wanted = set((model_uses or {}).get(stack.name, set()))
            wanted |= {lid for body in tpl.conditions.values() for lid, _a, _p in references(body)}
        for pname, spec in tpl.parameters.items():
            if wanted is not None and pname not in wanted:
                continue
            found = _parameter(spec)
            if isinstance(found, str):
                names.notes.append(f"{tpl.file}: parameter {pname} kept as a String parameter: {found}")
            param = Parameter() if isinstance(found, str) else found
            same = names.parameters.get(pname)
            if same is not None and same == param and pname not in resource_ids:
                names.param_of[(stack.name, pname)] = pname
                continue
            model = _free(pname, stack.name, set(names.parameters), resource_ids)
            names.parameters[model] = param
            names.param_of[(stack.name, pname)] = model
    for stack in stacks:  # conditions after every parameter: their bodies name parameters
        for cname, body in stack.template.conditions.items():
            mine = rename(body, stack.name, names)
            same_body = names.conditions.get(cname)
            if same_body is not None and same_body == mine:
                names.condition_of[(stack.name, cname)] = cname
                continue
            model = _free(cname, stack.name, set(names.conditions), set())
            names.condition_of[(stack.name, cname)] = model
            names.conditions[model] = mine
    for stack in stacks:  # a condition's {Condition: X} names the model's X
        for cname in stack.template.conditions:
            model = names.condition_of[(stack.name, cname)]
            names.conditions[model] = _rename_conditions(names.conditions[model], stack.name, names)
    return names


def rename(value: Any, stack: str, names: Names) -> Any:
    """*value* (a condition body) with the stack's parameter names replaced by the model's."""
    if isinstance(value, list):
        return [rename(v, stack, names) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1 and isinstance(value.get("Ref"), str):
        model = names.parameter(stack, value["Ref"])
        return {"Ref": model} if model else value
    return {k: rename(v, stack, names) for k, v in value.items()}


def _rename_conditions(value: Any, stack: str, names: Names) -> Any:
    if isinstance(value, list):
        return [_rename_conditions(v, stack, names) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1 and isinstance(value.get("Condition"), str):
        return {"Condition": names.condition(stack, value["Condition"]) or value["Condition"]}
    return {k: _rename_conditions(v, stack, names) for k, v in value.items()}
