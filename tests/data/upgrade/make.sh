#!/usr/bin/env bash
# Makes the upgrade fixtures with the release binary ($BIN): one org, a key of each scope,
# 60 events of varied shape (related, via, changes, metadata, duplicates), settings, a checkpoint.
set -euo pipefail
BIN=$1; OUT=$2; DB=${3:-}
rm -rf "$OUT/data"; mkdir -p "$OUT/data"
flags=(--data-dir "$OUT/data")
[ -n "$DB" ] && flags+=(--database "$DB")
KEY=$($BIN org create acme --name "Acme Support" --secret-only "${flags[@]}")
PORT=$((20000 + RANDOM % 10000))
$BIN serve --listen 127.0.0.1:$PORT "${flags[@]}" >"$OUT/serve.log" 2>&1 &
PID=$!
trap 'kill $PID' EXIT
until curl -sf http://127.0.0.1:$PORT/readyz >/dev/null; do sleep 0.2; done
U=http://127.0.0.1:$PORT
python3 - "$OUT/batch.ndjson" <<'PY'
import json, sys
actions = [("rule.updated","rule"),("inbox.updated","inbox"),("ticket.created","ticket"),("user.updated","user")]
out = open(sys.argv[1], "w")
for i in range(60):
    a, t = actions[i % 4]
    ev = {"id": f"evt_{i:03d}", "action": a, "occurred_at": f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:15:00Z",
          "entity": {"type": t, "id": f"{t}_{i % 7}", "name": f"{t.title()} {i % 7}"},
          "actor": ({"type": "user", "id": f"u_{i % 5}", "name": f"Agent {i % 5}", "email": f"agent{i % 5}@acme.test"}
                    if i % 3 else {"type": "system", "name": "Rules engine"}),
          "metadata": {"n": i, "note": "ünïcödé ✓"}}
    if i % 4 == 0:
        ev["changes"] = [{"field": "name", "old": f"old {i}", "new": f"new {i}"}]
    if i % 5 == 0:
        ev["related"] = [{"type": "ticket", "id": f"ticket_{i}"}]
    if i % 6 == 0:
        ev["via"] = {"type": "rule", "id": "rule_1", "name": "Auto-close"}
    out.write(json.dumps(ev) + "\n")
PY
curl -sf -X POST $U/v1/events -H "Authorization: Bearer $KEY" -H 'Content-Type: application/x-ndjson' --data-binary @"$OUT/batch.ndjson" >/dev/null
# the same batch again: duplicates, nothing new
curl -sf -X POST $U/v1/events -H "Authorization: Bearer $KEY" -H 'Content-Type: application/x-ndjson' --data-binary @"$OUT/batch.ndjson" >/dev/null
curl -sf -X PUT $U/v1/settings -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d '{"retention_days": 400, "legal_hold": true}' >/dev/null
curl -sf -X POST $U/v1/integrity/checkpoints -H "Authorization: Bearer $KEY" > "$OUT/checkpoint.json"
curl -sf "$U/v1/events?limit=1" -H "Authorization: Bearer $KEY" >/dev/null
