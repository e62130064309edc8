#!/usr/bin/env bash
# Checks a running docker/compose.yaml stack: the JobManager's REST API with both TaskManagers,
# a topic created on the broker, every Prometheus endpoint, and (when the lead's build made it)
# the normalize job jar submitted over REST until RUNNING with a completed checkpoint.
#   docker/smoke-test.sh [--no-job]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REST="${REST:-http://127.0.0.1:8081}"
KAFKA_CONTAINER="${KAFKA_CONTAINER:-$(docker ps --filter 'name=kafka' --format '{{.Names}}' | head -n 1)}"
JAR="${JAR:-$here/../jobs/normalize/target/braid-normalize-0.1.0-SNAPSHOT-job.jar}"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
topics() { docker exec "$KAFKA_CONTAINER" kafka-topics --bootstrap-server 127.0.0.1:9092 "$@"; }

echo "-- JobManager $REST/overview"
for _ in $(seq 1 60); do
  tms="$(curl -fsS "$REST/overview" 2>/dev/null | json 'd["taskmanagers"]' 2>/dev/null || echo 0)"
  [[ "$tms" == 2 ]] && break
  sleep 2
done
curl -fsS "$REST/overview"; echo
[[ "$tms" == 2 ]] || { echo "expected 2 TaskManagers, got $tms" >&2; exit 1; }

echo "-- Kafka ($KAFKA_CONTAINER): create a topic"
topics --create --if-not-exists --topic braid.smoke-test --partitions 1 --replication-factor 1 2>/dev/null
topics --describe --topic braid.smoke-test 2>/dev/null | sed -n 1p

echo "-- Prometheus"
for port in 9249 9250 9251; do
  echo "127.0.0.1:$port/metrics: $(curl -fsS "127.0.0.1:$port/metrics" | grep -c '^flink_') flink_ samples"
done

[[ "${1:-}" == "--no-job" ]] && exit 0
if [[ ! -f "$JAR" ]]; then
  echo "-- no $JAR: build it with mvn install -DskipTests; job submission skipped"
  exit 0
fi
echo "-- normalize job: topics (dev.braid.connectors.Topics defaults), upload, run"
for src in browser backend test git ci agent; do
  topics --create --if-not-exists --topic "braid.raw.$src" --partitions 3 --replication-factor 1 --config retention.ms=86400000 2>/dev/null
done
topics --create --if-not-exists --topic braid.events --partitions 6 --replication-factor 1 --config retention.ms=604800000 2>/dev/null
topics --create --if-not-exists --topic braid.dead-letters --partitions 1 --replication-factor 1 --config retention.ms=2592000000 2>/dev/null
jar_id="$(curl -fsS -F "jarfile=@$JAR" "$REST/jars/upload" | json 'd["filename"].rsplit("/",1)[-1]')"
job_id="$(curl -fsS -X POST -H 'Content-Type: application/json' \
  -d '{"entryClass":"dev.braid.normalize.NormalizeJob","programArgsList":["--braid.kafka.bootstrap-servers","127.0.0.1:9092"]}' \
  "$REST/jars/$jar_id/run" | json 'd["jobid"]')"
echo "job $job_id"
for _ in $(seq 1 60); do
  state="$(curl -fsS "$REST/jobs/$job_id" | json 'd["state"]')"
  done_cp="$(curl -fsS "$REST/jobs/$job_id/checkpoints" | json 'd["counts"]["completed"]')"
  [[ "$state" == RUNNING && "$done_cp" -gt 0 ]] && break
  [[ "$state" == FAILED ]] && break
  sleep 2
done
echo "state $state, completed checkpoints $done_cp"
curl -fsS "$REST/jobs/$job_id/exceptions" | json 'd["exceptionHistory"]["entries"][:1]'
[[ "$state" == RUNNING ]]
