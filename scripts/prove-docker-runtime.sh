#!/usr/bin/env bash
# Replays the Dockerfile's runtime stage without a Docker engine, then runs the result:
#   1. `npm run build` here; copy dist/, package.json, package-lock.json, manifest.yml into a fresh folder
#   2. `npm ci --omit=dev` there (the production node_modules the image ships)
#   3. start `node dist/main.js` (the image's CMD) in HTTP mode against a fake Slack Web API that answers
#      auth.test, with the gateway URL pointing at a closed port and STATE_DIR in the temp folder
#   4. /healthz answers 200 (polled with the Dockerfile's own HEALTHCHECK command), /readyz answers 503
#      (gateway down), unsigned POSTs to /slack/events are refused, state is written to STATE_DIR
#   5. SIGTERM to the node process → exit code 0
# Usage: bash scripts/prove-docker-runtime.sh   (KEEP_TMP=1 keeps the temp folder for inspection)
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/prove-docker-runtime.XXXXXX")"
BOT_PID=''
FAKE_PID=''
PROVED=()

cleanup() {
  local rc=$?
  for pid in "$BOT_PID" "$FAKE_PID"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [[ $rc -ne 0 && -f "$TMP/bot.log" ]]; then
    echo "--- last lines of the bot's output ($TMP/bot.log)" >&2
    tail -n 40 "$TMP/bot.log" >&2 || true
  fi
  if [[ "${KEEP_TMP:-0}" == 1 || $rc -ne 0 ]]; then
    echo "temp folder kept: $TMP" >&2
  else
    rm -rf "$TMP"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n== %s\n' "$*"; }
fail() {
  echo "FAILED: $*" >&2
  exit 1
}
proved() {
  PROVED+=("$*")
  echo "ok: $*"
}
free_port() {
  node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
http_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true
}

step "build (npm run build in $REPO)"
(cd "$REPO" && npm run build)

step "runtime stage: copy dist/, package.json, package-lock.json, manifest.yml to $TMP/app"
mkdir -p "$TMP/app" "$TMP/data"
cp -R "$REPO/dist" "$REPO/package.json" "$REPO/package-lock.json" "$REPO/manifest.yml" "$TMP/app/"
(cd "$TMP/app" && npm ci --omit=dev --no-audit --no-fund)
[[ -d "$TMP/app/node_modules/better-sqlite3" ]] || fail 'better-sqlite3 missing from the production install'
[[ -d "$TMP/app/node_modules/pg" ]] || fail 'pg (PostgreSQL for replicas) missing from the production install'
if [[ -d "$TMP/app/node_modules/typescript" || -d "$TMP/app/node_modules/vitest" ]]; then
  fail 'dev dependencies leaked into the production install'
fi
proved "production install has runtime deps only ($(find "$TMP/app/node_modules" -mindepth 1 -maxdepth 1 | wc -l) entries in node_modules, no typescript/vitest)"

step 'fake Slack Web API (auth.test only)'
cat >"$TMP/fake-slack.mjs" <<'JS'
// Answers POST /api/auth.test like Slack; every other method gets ok:false. Prints its port, logs each call.
import http from 'node:http';
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
    process.stderr.write(`call ${req.method} ${method} auth=${req.headers.authorization ? 'bearer' : 'none'}\n`);
    const reply =
      req.method === 'POST' && method === 'auth.test'
        ? { ok: true, url: 'https://fake.slack.test/', team: 'Fake', user: 'openclaw', team_id: 'T1', user_id: 'U1', bot_id: 'B1' }
        : { ok: false, error: 'unknown_method' };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply));
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
JS
node "$TMP/fake-slack.mjs" >"$TMP/fake-slack.port" 2>"$TMP/fake-slack.log" &
FAKE_PID=$!
for _ in $(seq 1 50); do
  [[ -s "$TMP/fake-slack.port" ]] && break
  sleep 0.1
done
SLACK_PORT="$(head -n 1 "$TMP/fake-slack.port")"
[[ -n "$SLACK_PORT" ]] || fail 'fake Slack did not start'
echo "fake Slack on 127.0.0.1:$SLACK_PORT"

BOT_PORT="$(free_port)"
GATEWAY_PORT="$(free_port)" # nothing listens there: the gateway is down
step "start node dist/main.js (PORT=$BOT_PORT, gateway ws://127.0.0.1:$GATEWAY_PORT is closed)"
(
  cd "$TMP/app"
  exec env -i PATH="$PATH" HOME="$TMP" \
    NODE_ENV=production \
    STATE_DIR="$TMP/data" \
    PORT="$BOT_PORT" \
    LOG_LEVEL=info \
    SLACK_BOT_TOKEN=xoxb-prove-runtime \
    SLACK_SIGNING_SECRET=prove-runtime-signing-secret \
    SLACK_API_URL="http://127.0.0.1:$SLACK_PORT/api/" \
    OPENCLAW_GATEWAY_URL="ws://127.0.0.1:$GATEWAY_PORT" \
    OPENCLAW_GATEWAY_TOKEN=prove-runtime-gateway-token \
    OPENCLAW_PAIRING_CHANNEL=C0PROOFCHAN \
    OPENCLAW_ADMINS=U0PROOFADMIN \
    node dist/main.js
) >"$TMP/bot.log" 2>&1 &
BOT_PID=$!

# The Dockerfile's HEALTHCHECK command, run verbatim (it reads PORT from the environment).
HEALTHCHECK_CMD="$(sed -n 's/^ *CMD \(node -e .*\)$/\1/p' "$REPO/Dockerfile")"
[[ "$HEALTHCHECK_CMD" == node\ -e* ]] || fail 'could not find the HEALTHCHECK command in the Dockerfile'
healthy=0
for _ in $(seq 1 60); do # 60 × 0.5 s = 30 s
  kill -0 "$BOT_PID" 2>/dev/null || fail "the bot exited early (see $TMP/bot.log)"
  if PORT="$BOT_PORT" bash -c "$HEALTHCHECK_CMD"; then
    healthy=1
    break
  fi
  sleep 0.5
done
[[ $healthy == 1 ]] || fail '/healthz did not answer 200 within 30 s'
[[ "$(http_status "http://127.0.0.1:$BOT_PORT/healthz")" == 200 ]] || fail '/healthz is not 200'
proved "/healthz answers 200 while the gateway is down (Dockerfile HEALTHCHECK command exits 0)"

readyz="$(http_status "http://127.0.0.1:$BOT_PORT/readyz")"
[[ "$readyz" == 503 ]] || fail "/readyz answered $readyz, expected 503 with the gateway down"
proved "/readyz answers 503: $(curl -s --max-time 5 "http://127.0.0.1:$BOT_PORT/readyz")"

events="$(http_status -X POST -H 'content-type: application/json' -d '{"type":"url_verification","challenge":"x"}' \
  "http://127.0.0.1:$BOT_PORT/slack/events")"
[[ "$events" == 401 ]] || fail "unsigned POST /slack/events answered $events, expected 401"
proved "HTTP mode: an unsigned POST /slack/events is refused with 401"

metrics="$(http_status "http://127.0.0.1:$BOT_PORT/metrics")"
[[ "$metrics" == 200 ]] || fail "/metrics answered $metrics"
proved '/metrics answers 200'

grep -q 'call POST auth.test auth=bearer' "$TMP/fake-slack.log" || fail 'the bot never called auth.test on the fake'
proved "auth.test went to SLACK_API_URL with the bot token (calls: $(sed 's/^call //' "$TMP/fake-slack.log" | sort | uniq -c | awk '{$1=$1; print}' | paste -sd ';' -))"

[[ -n "$(ls -A "$TMP/data")" ]] || fail "nothing was written to STATE_DIR ($TMP/data)"
proved "state written to STATE_DIR: $(ls "$TMP/data" | paste -sd ' ' -)"

step 'SIGTERM → clean exit'
kill -TERM "$BOT_PID"
for _ in $(seq 1 40); do # 40 × 0.5 s = 20 s (main.ts forces exit 1 after 15 s)
  kill -0 "$BOT_PID" 2>/dev/null || break
  sleep 0.5
done
kill -0 "$BOT_PID" 2>/dev/null && fail 'the bot did not exit within 20 s of SIGTERM'
set +e
wait "$BOT_PID"
bot_rc=$?
set -e
BOT_PID=''
[[ $bot_rc == 0 ]] || fail "the bot exited with $bot_rc after SIGTERM, expected 0"
proved 'SIGTERM stops the bot with exit code 0'

kill -TERM "$FAKE_PID" 2>/dev/null || true
wait "$FAKE_PID" 2>/dev/null || true
FAKE_PID=''

printf '\n== proved (runtime stage of the Dockerfile, outside Docker, node %s):\n' "$(node --version)"
printf '  - %s\n' "${PROVED[@]}"
echo '  (not proved here: the node:24-slim base image, USER node and the VOLUME; Node here is the host version)'
