"""The build manifest: every stack, where its template is, what it needs and gives, and the deploy order."""

from __future__ import annotations

from typing import Any

from archc.compiler.stacks import Stack


def template_file(stack: Stack, fmt: str) -> str:
    return f"{stack.name}.{'json' if fmt == 'json' else 'yaml'}"


def manifest(model_name: str, stacks: list[Stack], order: list[str], fmt: str) -> dict[str, Any]:
    position = {name: i + 1 for i, name in enumerate(order)}
    out: list[dict[str, Any]] = []
    for st in sorted(stacks, key=lambda s: position[s.name]):
        params = []
        for name, spec in sorted(st.parameters.items()):
            p: dict[str, Any] = {"name": name, "type": spec["Type"], "description": spec.get("Description", ""), "source": st.sources[name]}
            if spec.get("NoEcho"):
                p["no_echo"] = True
            if "Default" in spec:
                p["default"] = spec["Default"]
            params.append(p)
        outputs = []
        for name, o in sorted(st.outputs.items()):
            entry: dict[str, Any] = {"name": name, "description": o["Description"]}
            if "Export" in o:
                entry["export"] = o["Export"]["Name"]
            outputs.append(entry)
        out.append({
            "name": st.name,
            "order": position[st.name],
            "account": {"key": st.account, "id": st.account_id, "name": st.account_name},
            "region": st.region,
            "template": template_file(st, fmt),
            "resources": len(st.units),
            "depends_on": sorted(st.depends_on),
            "parameters": params,
            "outputs": outputs,
        })
    return {"archc": 1, "model": model_name, "format": fmt, "order": list(order), "stacks": out}
