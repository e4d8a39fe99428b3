#!/usr/bin/env bash
# Creates the Secrets the dev overlay expects, with freshly generated values, in namespace
# creator-platform-dev (or $NAMESPACE). Existing Secrets are kept, so re-running is safe and
# the database keeps the password it was initialised with. Needs kubectl and openssl.
#
#   deploy/k8s/overlays/dev/create-secrets.sh && kubectl apply -k deploy/k8s/overlays/dev
set -euo pipefail

ns="${NAMESPACE:-creator-platform-dev}"
kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns"
kubectl label --overwrite namespace "$ns" pod-security.kubernetes.io/enforce=restricted >/dev/null

exists() { kubectl -n "$ns" get secret "$1" >/dev/null 2>&1; }
value() { kubectl -n "$ns" get secret "$1" -o "jsonpath={.data.$2}" | base64 -d; }
random() { openssl rand -hex 24; }
create() { # create NAME ARGS...: a generic Secret, only when missing
  local name="$1"; shift
  if exists "$name"; then
    echo "secret/$name kept"
  else
    kubectl -n "$ns" create secret generic "$name" "$@" >/dev/null
    echo "secret/$name created"
  fi
}

create postgres-credentials --from-literal=POSTGRES_PASSWORD="$(random)"
pg_password="$(value postgres-credentials POSTGRES_PASSWORD)"

if ! exists rabbitmq-credentials; then
  mq_password="$(random)"
  create rabbitmq-credentials \
    --from-literal=password="$mq_password" \
    --from-literal=30-credentials.conf="$(printf 'default_user = platform\ndefault_pass = %s\n' "$mq_password")"
fi
mq_password="$(value rabbitmq-credentials password)"

create platform-secrets --from-literal=AMQP_URL="amqp://platform:${mq_password}@rabbitmq:5672/"

db() { echo "postgresql://postgres:${pg_password}@postgres:5432/$1"; }

if ! exists identity-secrets; then
  key="$(mktemp)"
  trap 'rm -f "$key"' EXIT
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$key" 2>/dev/null
  create identity-secrets \
    --from-literal=IDENTITY_DATABASE_URL="$(db identity)" \
    --from-file=IDENTITY_JWT_PRIVATE_KEY="$key"
fi
create catalog-secrets --from-literal=CATALOG_DATABASE_URL="$(db catalog)"
create analytics-secrets --from-literal=ANALYTICS_DATABASE_URL="$(db analytics)"
# No GENERATION_PROVIDERS: the demo model inside the image answers.
create generation-secrets --from-literal=GENERATION_DATABASE_URL="$(db generation)"
# Shared by catalog (its internal routes) and generation (which calls them).
create service-token --from-literal=SERVICE_TOKEN="$(random)"
create notifications-secrets \
  --from-literal=NOTIFICATIONS_DATABASE_URL="$(db notifications)" \
  --from-literal=NOTIFICATIONS_UNSUBSCRIBE_SECRET="$(random)"

create stripe-emulator-secrets --from-literal=STRIPE_EMULATOR_WEBHOOK_SECRET="whsec_$(random)"
webhook_secret="$(value stripe-emulator-secrets STRIPE_EMULATOR_WEBHOOK_SECRET)"
for svc in billing payouts; do
  upper="$(echo "$svc" | tr '[:lower:]' '[:upper:]')"
  create "$svc-secrets" \
    --from-literal="${upper}_DATABASE_URL=$(db "$svc")" \
    --from-literal=STRIPE_API_KEY=sk_test_emulator \
    --from-literal=STRIPE_WEBHOOK_SECRET="$webhook_secret"
done

create gateway-secrets --from-literal=GATEWAY_RATE_LIMIT_STORAGE=redis://redis:6379/0
