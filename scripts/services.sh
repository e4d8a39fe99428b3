#!/usr/bin/env bash
# Makes sure the local PostgreSQL and RabbitMQ are running (from local installs, or with
# `docker compose` where a Docker engine is present). Used by `make run` and `make test`.
set -uo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
mq_up() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }

if ! pg_up || ! mq_up; then
  if docker info >/dev/null 2>&1; then
    echo "==> starting PostgreSQL and RabbitMQ with docker compose"
    docker compose up -d postgres rabbitmq redis
  fi
fi
if ! pg_up && command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "==> starting the local PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if ! mq_up && command -v rabbitmq-server >/dev/null 2>&1; then
  echo "==> starting the local RabbitMQ"
  rabbitmq-server -detached || true
fi
for _ in $(seq 1 60); do
  pg_up && mq_up && exit 0
  sleep 1
done
pg_up || echo "!! PostgreSQL is not reachable on 127.0.0.1:5432" >&2
mq_up || echo "!! RabbitMQ is not reachable on 127.0.0.1:5672" >&2
exit 1
