#!/usr/bin/env bash
# Time and memory of validate on hostile scenarios (issue 20): 100k keys in one
# mapping (the duplicate-key check) and 20k workloads (the duplicate-name check).
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -c '
print("name: x")
for i in range(100000): print("k%d: 1" % i)' > "$tmp/keys.yaml"
python3 - "$tmp/many.yaml" <<'PY'
import sys
src = open("scenarios/chat-8b.yaml").read()
i, j = src.index("workloads:"), src.index("data:")
one = src[i + len("workloads:\n"):j]
body = "".join(one.replace("name: serve", "name: serve%d" % k) for k in range(20000))
open(sys.argv[1], "w").write(src[:i] + "workloads:\n" + body + src[j:])
PY
export AICOST_DB="$tmp/prices.db"
bin/aicost pricing list --limit 1 >/dev/null
for f in keys many; do
	printf '%-10s %6s MB  ' "$f.yaml" "$(($(stat -c %s "$tmp/$f.yaml") >> 20))"
	/usr/bin/time -f '%e s, %M KB peak' bin/aicost validate "$tmp/$f.yaml" 2>&1 >/dev/null | tail -1
done
