#!/usr/bin/env bash
# Every test Flowgate has: type check, unit tests of src/core, API tests against real emulator
# processes, CLI tests of the installed binary, and the extension in a real VS Code.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh
echo "== build"
node scripts/build.mjs
echo "== type check"
npx tsc --noEmit -p .
echo "== core, emulator, CLI and hostile-corpus tests"
node --import tsx --test --test-concurrency=2 --test-timeout=240000 test/core/*.test.ts test/emulator/*.test.ts test/cli/*.test.ts test/hostile/*.test.ts
echo "== VS Code tests"
node test/vscode/run.mjs --no-build
