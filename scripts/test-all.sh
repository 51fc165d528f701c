#!/usr/bin/env bash
# Every test Flowgate has: type check, unit tests of src/core, API tests against real emulator
# processes, CLI tests of the installed binary, the hostile corpus against real emulator
# processes, and the extension in a real VS Code — from the repository, and packaged as the .vsix
# a user installs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh
echo "== build"
node scripts/build.mjs
echo "== package (npm run package: the .vsix every later phase also tests)"
npm run --silent package -- --quiet
FLOWGATE_VSIX="$PWD/$(node -p 'const m = require("./package.json"); `${m.name}-${m.version}.vsix`')"
export FLOWGATE_VSIX
echo "$FLOWGATE_VSIX"
echo "== type check"
npx tsc --noEmit -p .
echo "== core, emulator and CLI tests"
node --import tsx --test --test-concurrency=2 --test-timeout=240000 test/core/*.test.ts test/emulator/*.test.ts test/cli/*.test.ts
# One file at a time: each attack also checks that the gateway answers /healthz within a second
# while it runs, a measurement another test file's load on the same cores would blur.
echo "== hostile corpus (test/hostile)"
node --import tsx --test --test-concurrency=1 --test-timeout=240000 test/hostile/*.test.ts
echo "== VS Code tests"
node test/vscode/run.mjs --no-build --timeout 900
# The packaged extension: the in-host tests of activation, the manifest, publishing and running a
# flow with the .vsix unpacked as the extension, then the UI checks of the installed .vsix (~40 s).
echo "== VS Code tests of the installed .vsix"
node test/vscode/run.mjs --no-build --vsix "$FLOWGATE_VSIX" --only activation,manifest,publish,runFlow,installed
