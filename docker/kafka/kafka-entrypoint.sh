#!/usr/bin/env bash
# Entry point of braid/kafka: one KRaft node, combined broker and controller, on loopback, with
# the settings Braid's exactly-once jobs need on a single node (those of
# embedded/src/main/java/dev/braid/embedded/EmbeddedKafka.java). Writes
# /opt/kafka/config/server.properties from the environment, formats the log directory on first
# start (static quorum of one voter), then execs the broker. `kafka-entrypoint.sh <cmd...>` with
# any other command runs that command.
set -euo pipefail

KAFKA_HOME=/opt/kafka
CONFIG="$KAFKA_HOME/config/server.properties"
CLASSPATH="$KAFKA_HOME/libs/*"

if [[ $# -gt 0 && "$1" != "kafka" ]]; then
  exec "$@"
fi

KAFKA_HOST="${KAFKA_HOST:-127.0.0.1}"
KAFKA_ADVERTISED_HOST="${KAFKA_ADVERTISED_HOST:-$KAFKA_HOST}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_NODE_ID="${KAFKA_NODE_ID:-1}"
KAFKA_LOG_DIRS="${KAFKA_LOG_DIRS:-/var/lib/kafka/data}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms512m -Xmx512m}"

cat > "$CONFIG" <<PROPS
# Written by kafka-entrypoint.sh at start; set KAFKA_* variables or KAFKA_PROPERTIES instead.
process.roles=broker,controller
node.id=${KAFKA_NODE_ID}
controller.quorum.voters=${KAFKA_NODE_ID}@${KAFKA_HOST}:${KAFKA_CONTROLLER_PORT}
listeners=PLAINTEXT://${KAFKA_HOST}:${KAFKA_PORT},CONTROLLER://${KAFKA_HOST}:${KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://${KAFKA_ADVERTISED_HOST}:${KAFKA_PORT}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${KAFKA_LOG_DIRS}
num.partitions=3
auto.create.topics.enable=false
# One node: without these an exactly-once sink waits forever in initTransactions.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
# Braid's scenarios run on fixed event times, possibly ahead of this clock; Kafka 4 refuses
# record timestamps more than an hour ahead by default.
log.message.timestamp.after.max.ms=9223372036854775807
PROPS
# Like the apache/kafka image: KAFKA_<NAME> sets property <name>, '_' read as '.', '__' as '_',
# '___' as '-' (KAFKA_LOG_RETENTION_HOURS=1 -> log.retention.hours=1). Not for the variables above.
reserved=" KAFKA_HOME KAFKA_HOST KAFKA_ADVERTISED_HOST KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_HEAP_OPTS \
KAFKA_JVM_OPTS KAFKA_TOOL_HEAP_OPTS KAFKA_PROPERTIES KAFKA_CLUSTER_ID KAFKA_LOG_LEVEL KAFKA_VERSION KAFKA_UID "
{
  echo "# KAFKA_<NAME> variables (later keys win)"
  while IFS='=' read -r name value; do
    [[ "$name" == KAFKA_* && "$reserved" != *" $name "* ]] || continue
    key="${name#KAFKA_}"
    key="${key,,}"
    key="${key//___/-}"
    key="${key//__/@}"
    key="${key//_/.}"
    key="${key//@/_}"
    printf '%s=%s\n' "$key" "$value"
  done < <(env)
} >> "$CONFIG"
if [[ -n "${KAFKA_PROPERTIES:-}" ]]; then
  printf '# KAFKA_PROPERTIES (later keys win)\n%s\n' "$KAFKA_PROPERTIES" >> "$CONFIG"
fi

log_opts=(-Dlog4j2.configurationFile="$KAFKA_HOME/config/log4j2.properties")
tool_log_opts=(-Dlog4j2.configurationFile="$KAFKA_HOME/config/tools-log4j2.properties")

first_dir="${KAFKA_LOG_DIRS%%,*}"
if [[ ! -f "$first_dir/meta.properties" ]]; then
  cluster_id="${KAFKA_CLUSTER_ID:-${CLUSTER_ID:-$(java "${tool_log_opts[@]}" -cp "$CLASSPATH" kafka.tools.StorageTool random-uuid)}}"
  echo "kafka-entrypoint: formatting $KAFKA_LOG_DIRS, cluster id $cluster_id" >&2
  java "${tool_log_opts[@]}" -cp "$CLASSPATH" kafka.tools.StorageTool format \
    -t "$cluster_id" -c "$CONFIG" --ignore-formatted
fi

read -r -a heap <<< "$KAFKA_HEAP_OPTS"
read -r -a jvm_opts <<< "${KAFKA_JVM_OPTS:-}"
# The JVM flags of kafka-run-class.sh.
exec java "${heap[@]}" -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
  -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true "${log_opts[@]}" "${jvm_opts[@]}" \
  -cp "$CLASSPATH" kafka.Kafka "$CONFIG"
