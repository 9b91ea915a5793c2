#!/usr/bin/env bash
# Regenerates TypeScript (ts-proto for nice-grpc) and the descriptor set used by server reflection.
# Output is committed; CI re-runs this and fails if the tree changes.
set -euo pipefail
cd "$(dirname "$0")"
BUF=../node_modules/.bin/buf
"$BUF" lint
"$BUF" generate
# Descriptor set (with imports) for grpc.reflection: lets grpcurl describe every service.
"$BUF" build -o gen/descriptor.binpb
