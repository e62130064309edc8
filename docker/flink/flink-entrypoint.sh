#!/usr/bin/env bash
# Entry point of braid/flink: `flink-entrypoint.sh jobmanager|taskmanager [extra Flink -D args]`.
# Writes /opt/flink/conf/config.yaml from config.yaml.template and the environment, lets Flink's
# BashJavaUtils derive the JVM memory flags from it (as bin/jobmanager.sh / taskmanager.sh do),
# then execs the JVM. Any other command is run as it is (e.g. `bash`).
set -euo pipefail

FLINK_HOME=/opt/flink
CONF_DIR="$FLINK_HOME/conf"
CLASSPATH="$FLINK_HOME/lib/*"

role="${1:-}"
case "$role" in
  jobmanager)
    main_class=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
    resource_cmd=GET_JM_RESOURCE_PARAMS
    export MEMORY_KEY=jobmanager.memory.process.size
    export PROCESS_MEMORY="${PROCESS_MEMORY:-1024m}"
    export METRICS_PORT="${METRICS_PORT:-9249-9259}"
    ;;
  taskmanager)
    main_class=org.apache.flink.runtime.taskexecutor.TaskManagerRunner
    resource_cmd=GET_TM_RESOURCE_PARAMS
    export MEMORY_KEY=taskmanager.memory.process.size
    export PROCESS_MEMORY="${PROCESS_MEMORY:-1536m}"
    export METRICS_PORT="${METRICS_PORT:-9249-9259}"
    ;;
  *)
    exec "$@"
    ;;
esac
shift

export FLINK_JOBMANAGER_HOST="${FLINK_JOBMANAGER_HOST:-127.0.0.1}"
export FLINK_TASKMANAGER_HOST="${FLINK_TASKMANAGER_HOST:-127.0.0.1}"
export FLINK_BIND_HOST="${FLINK_BIND_HOST:-127.0.0.1}"
export FLINK_RPC_PORT="${FLINK_RPC_PORT:-6123}"
export FLINK_BLOB_PORT="${FLINK_BLOB_PORT:-6124}"
export FLINK_REST_PORT="${FLINK_REST_PORT:-8081}"
export TASKMANAGER_RPC_PORT="${TASKMANAGER_RPC_PORT:-6122}"
export TASKMANAGER_DATA_PORT="${TASKMANAGER_DATA_PORT:-6121}"
export TASKMANAGER_RESOURCE_ID="${TASKMANAGER_RESOURCE_ID:-$(hostname)-${TASKMANAGER_RPC_PORT}}"
export TASK_SLOTS="${TASK_SLOTS:-2}"
export PARALLELISM="${PARALLELISM:-1}"

# ${VAR} substitution of the template without envsubst (not in the image): only names of
# upper-case letters, digits and underscores, each must be set.
render() {
  local line out var
  while IFS= read -r line || [[ -n "$line" ]]; do
    out="$line"
    while [[ "$out" =~ \$\{([A-Z0-9_]+)\} ]]; do
      var="${BASH_REMATCH[1]}"
      if [[ -z "${!var+x}" ]]; then
        echo "flink-entrypoint: \${$var} of config.yaml.template is not set" >&2
        exit 1
      fi
      out="${out//\$\{$var\}/${!var}}"
    done
    printf '%s\n' "$out"
  done < "$1"
}

{
  render "$CONF_DIR/config.yaml.template"
  if [[ -n "${FLINK_PROPERTIES:-}" ]]; then
    printf '\n# FLINK_PROPERTIES\n%s\n' "$FLINK_PROPERTIES"
  fi
} > "$CONF_DIR/config.yaml.new"
# A key given twice in YAML is an error: drop earlier occurrences of keys FLINK_PROPERTIES sets.
awk '
  { lines[NR] = $0 }
  /^[A-Za-z0-9_.-]+[ \t]*:/ { key = $0; sub(/[ \t]*:.*/, "", key); last[key] = NR; keyof[NR] = key }
  END { for (i = 1; i <= NR; i++) if (!(i in keyof) || last[keyof[i]] == i) print lines[i] }
' "$CONF_DIR/config.yaml.new" > "$CONF_DIR/config.yaml"
rm -f "$CONF_DIR/config.yaml.new"

mkdir -p "$FLINK_HOME/tmp" "$FLINK_HOME/state/checkpoints" "$FLINK_HOME/state/savepoints"

log_opts=(-Dlog4j.configurationFile="$CONF_DIR/log4j-console.properties" -Dlog4j2.formatMsgNoLookups=true)

# BashJavaUtils prints its results on lines prefixed BASH_JAVA_UTILS_EXEC_RESULT: JVM flags, then
# dynamic -D key=value options (the derived memory sizes the TaskManager requires).
output="$(java -cp "$CLASSPATH" "${log_opts[@]}" -Dlog4j2.level=WARN \
  org.apache.flink.runtime.util.bash.BashJavaUtils "$resource_cmd" --configDir "$CONF_DIR" "$@" 2>&1)" || {
  echo "flink-entrypoint: BashJavaUtils $resource_cmd failed:" >&2
  echo "$output" >&2
  exit 1
}
mapfile -t results < <(printf '%s\n' "$output" | sed -n 's/^.*BASH_JAVA_UTILS_EXEC_RESULT://p')
if (( ${#results[@]} < 2 )); then
  echo "flink-entrypoint: unexpected BashJavaUtils output:" >&2
  echo "$output" >&2
  exit 1
fi
read -r -a jvm_mem <<< "${results[0]}"
read -r -a dynamic <<< "${results[1]}"

# The module opens Flink and Kryo need on Java 17 (flink-dist's env.java.opts.all, without the
# jdk.compiler ones: that module is not in the headless JRE), one per line.
mapfile -t jvm_opts_flink < <(grep -v '^[[:space:]]*\(#\|$\)' "$CONF_DIR/jvm-opts")
read -r -a jvm_opts_user <<< "${FLINK_JVM_OPTS:-}"

echo "flink-entrypoint: $role, memory ${PROCESS_MEMORY}, JVM ${jvm_mem[*]}" >&2
exec java "${jvm_mem[@]}" "${jvm_opts_flink[@]}" "${jvm_opts_user[@]}" "${log_opts[@]}" \
  -cp "$CLASSPATH" "$main_class" --configDir "$CONF_DIR" "${dynamic[@]}" "$@"
