#!/bin/sh
# Rewrites README's operator table (between <!-- ops:begin --> and <!-- ops:end -->) from the one
# operator list, through `edgebench ops --format markdown`. Usage: scripts/update-readme-ops.sh [EDGEBENCH]
set -eu
cd "$(dirname "$0")/.."
EB=${1:-build/daemon/edgebench}
TABLE=$(mktemp)
trap 'rm -f "$TABLE" README.md.new' EXIT
"$EB" ops --format markdown > "$TABLE"
awk -v table="$TABLE" '
  /<!-- ops:end -->/ { while ((getline line < table) > 0) print line; skip = 0 }
  !skip { print }
  /<!-- ops:begin -->/ { skip = 1 }
' README.md > README.md.new
mv README.md.new README.md
echo "README.md: operator table rewritten ($(grep -c '^| `' "$TABLE") operators)"
