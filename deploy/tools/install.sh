#!/usr/bin/env bash
# Installs the real tools the tests and benchmarks use, idempotently, into $CLARITY_TOOLS_DIR
# (default ~/.cache/clarity/tools, shared by clones on one machine):
#   ferretdb  FerretDB v1 (MongoDB wire protocol on SQLite) — go mod download + go build (go install refuses it)
#   grpcurl   pinned go install
# Usage: deploy/tools/install.sh [ferretdb] [grpcurl]   (no arguments = all)
set -euo pipefail
TOOLS_DIR="${CLARITY_TOOLS_DIR:-$HOME/.cache/clarity/tools}"
BIN="$TOOLS_DIR/bin"
mkdir -p "$BIN"

FERRETDB_VERSION=v1.24.2
GRPCURL_VERSION=v1.9.3

log() { printf '[tools] %s\n' "$*" >&2; }

install_grpcurl() {
  if [ -x "$BIN/grpcurl" ] && "$BIN/grpcurl" -version 2>&1 | grep -q "${GRPCURL_VERSION#v}"; then return; fi
  log "installing grpcurl $GRPCURL_VERSION (go install)"
  GOBIN="$BIN" GOFLAGS=-mod=mod go install "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION"
}

install_ferretdb() {
  if [ -x "$BIN/ferretdb" ] && "$BIN/ferretdb" --version 2>/dev/null | grep -q "$FERRETDB_VERSION"; then return; fi
  log "building FerretDB $FERRETDB_VERSION (go mod download + go build; takes a few minutes the first time)"
  local src
  src=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  local work
  work=$(mktemp -d)
  cp -r "$src/." "$work/"
  chmod -R u+w "$work"
  # The module cache copy lacks the generated version file that `bin/task gen-version` writes.
  echo "$FERRETDB_VERSION" > "$work/build/version/version.txt"
  (cd "$work" && go build -o "$BIN/ferretdb" ./cmd/ferretdb)
  rm -rf "$work"
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(grpcurl ferretdb)
for t in "${targets[@]}"; do
  case "$t" in
    grpcurl) install_grpcurl ;;
    ferretdb) install_ferretdb ;;
    *) echo "unknown tool: $t" >&2; exit 2 ;;
  esac
done
echo "$BIN"
