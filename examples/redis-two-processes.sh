#!/usr/bin/env bash
# Two `botflow serve` processes sharing one Redis store: one conversation of
# scripts/lead-capture.yaml, its messages sent through both processes in turn, as a load balancer
# would. Each turn is printed with the process that ran it; the conversation goes on wherever the
# next message lands.
#
#   npm ci                                   # installs and builds dist/
#   bash examples/redis-two-processes.sh     # starts its own redis-server on a free port
#   REDIS_URL=redis://127.0.0.1:6379 bash examples/redis-two-processes.sh
#
# Needs node, curl, and redis-server unless REDIS_URL is given. The processes listen on
# 127.0.0.1:8081 and :8082 (PORT_A, PORT_B to change). Everything it started is stopped when it
# exits, also on Ctrl-C or a failure, whose logs it then shows.
set -euo pipefail

cd "$(dirname "$0")/.." # the project root: npx finds botflow there, and the script
for tool in node npx curl; do
  command -v "$tool" >/dev/null || { echo "This example needs $tool." >&2; exit 1; }
done

readonly SCRIPT=scripts/lead-capture.yaml
readonly PORTS=("${PORT_A:-8081}" "${PORT_B:-8082}")
readonly KEY=web%3Aredis-demo # the conversation key web:redis-demo, percent-encoded
BOTFLOW_API_TOKEN=$(node -e 'console.log(require("node:crypto").randomBytes(16).toString("hex"))')
export BOTFLOW_API_TOKEN # serve reads it: the JSON API then needs it as a bearer token

work=$(mktemp -d)
npx_pids=()   # the `npx botflow serve` processes, each the leader of its own process group
serve_pids=() # the serve processes themselves, learned from their logs
redis_pid=''
set -m # every background job in a process group of its own, so one can be stopped whole

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local i
  for i in "${!npx_pids[@]}"; do
    if [[ -n ${serve_pids[i]:-} ]]; then
      kill -TERM "${serve_pids[i]}" 2>/dev/null || true # serve finishes its turns, then exits 0
    else
      kill -TERM -- "-${npx_pids[i]}" 2>/dev/null || true # still starting: the whole group goes
    fi
  done
  for i in "${!npx_pids[@]}"; do wait "${npx_pids[i]}" 2>/dev/null || true; done
  if [[ -n $redis_pid ]]; then
    kill -TERM "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  if ((status != 0)); then
    for log in "$work"/*.log; do
      [[ -e $log ]] && { echo "--- the end of $(basename "$log"):" >&2; tail -n 5 "$log" >&2; }
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_for WHAT PID COMMAND...: runs COMMAND until it succeeds, for up to a minute, giving up at
# once if process PID has exited.
wait_for() {
  local what=$1 pid=$2
  shift 2
  for _ in $(seq 600); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { echo "$what stopped before it was ready." >&2; return 1; }
    sleep 0.1
  done
  echo "Gave up waiting for $what." >&2
  return 1
}

if [[ -z ${REDIS_URL:-} ]]; then
  command -v redis-server >/dev/null || { echo 'Install redis-server, or set REDIS_URL.' >&2; exit 1; }
  redis_port=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => {
    console.log(s.address().port); s.close(); })')
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
    >"$work/redis.log" &
  redis_pid=$!
  REDIS_URL=redis://127.0.0.1:$redis_port
  wait_for redis-server "$redis_pid" bash -c "exec 3<>/dev/tcp/127.0.0.1/$redis_port"
fi

# The first `npx botflow` in the project links and builds it into npx's cache: done once here,
# so the two processes below do not both do it at the same time.
npx botflow --version >/dev/null

for i in "${!PORTS[@]}"; do
  npx botflow serve "$SCRIPT" --http "${PORTS[i]}" --store "$REDIS_URL" >"$work/serve-${PORTS[i]}.log" 2>&1 &
  npx_pids[i]=$!
done
for i in "${!PORTS[@]}"; do
  log=$work/serve-${PORTS[i]}.log
  wait_for "serve on :${PORTS[i]}" "${npx_pids[i]}" grep -q '"msg":"listening"' "$log"
  # npx runs serve under npm and a shell, which do not pass signals on: serve's log names its pid.
  serve_pids[i]=$(grep '"msg":"listening"' "$log" | sed -E 's/.*"pid":([0-9]+).*/\1/')
  wait_for "serve on :${PORTS[i]}" "${npx_pids[i]}" curl -fsS "http://127.0.0.1:${PORTS[i]}/health"
done
echo "Two botflow serve processes on :${PORTS[0]} and :${PORTS[1]}, sharing $REDIS_URL"

# turn N PATH [TEXT]: POSTs to process N (0 or 1) and prints the turn; TEXT is the user's message.
turn() {
  local port=${PORTS[$1]} path=$2 text=${3:-}
  local body='{}'
  if [[ -n $text ]]; then
    body=$(node -e 'console.log(JSON.stringify({ text: process.argv[1] }))' "$text")
  fi
  printf '\n:%s  %s\n' "$port" "${text:-(start)}"
  curl -fsS -X POST "http://127.0.0.1:$port/conversations/$KEY/$path" \
    -H "Authorization: Bearer $BOTFLOW_API_TOKEN" -H 'Content-Type: application/json' -d "$body" |
    node -e '
      const turn = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
      for (const { text, buttons } of turn.messages)
        console.log(`        bot: ${text}${buttons ? `  [${buttons.map((b) => b.label).join(" | ")}]` : ""}`);
      if (turn.status !== "waiting") console.log(`        (${turn.status}: ${turn.result})`);'
}

turn 0 start
turn 1 messages 'Buy a plan'
turn 0 messages 'Anna'
turn 1 messages 'Email'
turn 0 messages 'anna@example.com'
