#!/usr/bin/env bash
# Runs `npm start` as a newcomer does (on the machine's own Node; extra arguments go to start.ts,
# e.g. --port=NNNN), waits for its ready line (the "Editor:" URL) and for that URL to answer,
# then stops it by its process id and checks that it ended and that n8n stopped answering.
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ $# -gt 0 ]; then npm start -- "$@" >"$log" 2>&1 & else npm start >"$log" 2>&1 & fi
pid=$!

# First run installs n8n (about 5 minutes); later runs are ready in about 15 seconds.
deadline=$((SECONDS + 900))
url=
while [ -z "$url" ]; do
	if ! kill -0 "$pid" 2>/dev/null; then
		cat "$log"
		echo "npm start exited before its editor URL was printed" >&2
		exit 1
	fi
	if [ $SECONDS -gt $deadline ]; then
		cat "$log"
		kill "$pid"
		echo "npm start printed no editor URL in time" >&2
		exit 1
	fi
	url=$(sed -n 's/^ *Editor: *\(http[^ ]*\).*/\1/p' "$log" | head -n 1)
	[ -n "$url" ] || sleep 2
done
grep -m1 'Node .* is older than 24' "$log" || true
grep -m1 'is running with n8n-nodes-cometapi' "$log"

code=$(node -e 'fetch(process.argv[1]).then((r) => console.log(r.status), () => console.log(0))' "$url")
echo "GET $url -> $code"
[ "$code" = 200 ] || { cat "$log"; kill "$pid"; exit 1; }

kill -TERM "$pid"
for _ in $(seq 1 30); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 1
done
if kill -0 "$pid" 2>/dev/null; then
	echo "npm start (pid $pid) did not stop within 30 s of SIGTERM" >&2
	kill -KILL "$pid"
	exit 1
fi
wait "$pid" || true
# npm ends at once on SIGTERM; the signal reaches n8n through its children (with-node24.js sees
# its parent go, start.ts stops the simulator and n8n), and n8n's own shutdown takes a few
# seconds more on a busy machine. Give the whole chain 30 s.
stopped_at=$SECONDS
while node -e 'fetch(process.argv[1]).then(() => process.exit(0), () => process.exit(1))' "$url"; do
	if [ $((SECONDS - stopped_at)) -ge 30 ]; then
		echo "npm start stopped but $url still answers 30 s later (n8n left running)" >&2
		exit 1
	fi
	sleep 1
done
echo "stopped: $url no longer answers ($((SECONDS - stopped_at)) s after npm start ended)"
