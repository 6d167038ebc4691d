#!/bin/sh
# Installs the peers of `npm run bench -- peers` — n8n and Node-RED, pinned — into
# bench/peers/.install/, a package of its own that is no workspace of the repository (and
# git-ignored). Never part of `npm run setup` or `npm test`.
#   bench/peers/install.sh              both
#   bench/peers/install.sh node-red     just one (node-red | n8n)
# Versions: the newest whose engines accept Node 20. n8n-nodes-base points its xlsx dependency
# at a tarball outside the npm registry; the override takes xlsx from the registry instead.
set -eu
N8N=n8n@2.8.4
NODE_RED=node-red@4.1.15
DIR="$(cd "$(dirname "$0")" && pwd)/.install"
mkdir -p "$DIR"
if [ ! -f "$DIR/package.json" ]; then
  cat > "$DIR/package.json" <<'JSON'
{
  "name": "weft-bench-peers",
  "private": true,
  "description": "n8n and Node-RED for `npm run bench -- peers`; installed by bench/peers/install.sh",
  "overrides": { "xlsx": "0.18.5" }
}
JSON
fi
which="${1:-all}"
install() {
  echo "installing $1 into $DIR …"
  start=$(date +%s)
  # --workspaces=false: this folder is its own package, never the repository's workspace.
  (cd "$DIR" && npm install --save-exact --workspaces=false --no-audit --no-fund --loglevel=error "$1")
  echo "$1 installed in $(( $(date +%s) - start )) s"
}
status=0
# Node-RED first: it installs in seconds and still does if n8n's install fails.
if [ "$which" = all ] || [ "$which" = node-red ]; then install "$NODE_RED" || status=1; fi
if [ "$which" = all ] || [ "$which" = n8n ]; then install "$N8N" || status=1; fi
du -sh "$DIR" 2>/dev/null || true
exit $status
