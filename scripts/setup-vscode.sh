#!/usr/bin/env bash
# Installs code-server (a real VS Code: server + web workbench) into .vscode-test/code-server/
# for the extension's integration and UI tests (test/vscode/run.mjs). Idempotent: does nothing
# when the marker file says the wanted version is installed. Offline-safe: uses only the npm
# registry and Debian packages (chromium, ripgrep, libkrb5-dev via install-system-deps.sh).
#
# What it works around (see the notes on running VS Code e2e on these machines):
#  - npm 11 blocks dependency install scripts unless approved: the install folder has its own
#    package.json whose `allowScripts` approves code-server and argon2. code-server's postinstall
#    runs nested `npm install`s in lib/vscode and lib/vscode/extensions; so the install is done in
#    two steps: `npm install --ignore-scripts`, then a project .npmrc with `allow-scripts=...` is
#    written into each of those two folders, then `npm rebuild` runs the install scripts.
#  - the postinstall refuses root unless npm_config_unsafe_perm=true; node-pty runs
#    `npx node-gyp` which needs npm_config_yes=true.
#  - @vscode/ripgrep's postinstall downloads rg from GitHub: a private TMPDIR is seeded with the
#    cache tarball it looks for, holding Debian's /usr/bin/rg.
set -euo pipefail

CS_VERSION="4.100.3"
RG_PKG_VERSION="1.15.11"
RG_ASSET="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.vscode-test/code-server"
marker="$dest/.installed-version"
entry="$dest/node_modules/code-server/out/node/entry.js"

log() { echo "setup-vscode: $*"; }
start=$(date +%s)

installed() { [ -f "$marker" ] && [ "$(cat "$marker")" = "$CS_VERSION" ] && [ -f "$entry" ]; }

if installed; then
  log "code-server $CS_VERSION already installed in .vscode-test/code-server"
  exit 0
fi

# One install at a time (two test runs may start together); the second one finds it done.
mkdir -p "$root/.vscode-test"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$root/.vscode-test/.setup-vscode.lock"
  if ! flock -n 9; then
    log "waiting for another setup-vscode.sh run to finish"
    flock 9
  fi
  if installed; then
    log "code-server $CS_VERSION was installed by another run meanwhile"
    exit 0
  fi
fi

log "installing system packages (Debian)"
bash "$root/scripts/install-system-deps.sh"

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" != "20" ]; then
  log "ERROR: code-server $CS_VERSION needs Node 20, found $(node -v)"
  exit 1
fi
if [ "$(uname -m)" != "x86_64" ]; then
  log "WARNING: the ripgrep cache is seeded for x86_64 only; the install may try to download rg"
fi

log "preparing $dest"
rm -rf "$dest"
mkdir -p "$dest/tmp"

# The install folder's own package.json: pins code-server and approves the install scripts of
# the packages in code-server's own tree that need them.
cat >"$dest/package.json" <<EOF
{
  "name": "flowgate-vscode-test-code-server",
  "private": true,
  "description": "Cache folder: code-server for Flowgate's VS Code tests (scripts/setup-vscode.sh)",
  "dependencies": {
    "code-server": "$CS_VERSION"
  },
  "allowScripts": {
    "code-server": true,
    "argon2": true
  }
}
EOF

# ripgrep: seed the download cache @vscode/ripgrep's postinstall looks in with Debian's rg.
rg_bin="$(command -v rg || true)"
if [ -z "$rg_bin" ]; then
  log "ERROR: ripgrep (rg) not found; install-system-deps.sh should have installed it"
  exit 1
fi
rg_cache="$dest/tmp/vscode-ripgrep-cache-$RG_PKG_VERSION"
mkdir -p "$rg_cache/stage"
cp "$(readlink -f "$rg_bin")" "$rg_cache/stage/rg"
tar -czf "$rg_cache/$RG_ASSET" -C "$rg_cache/stage" rg
rm -rf "$rg_cache/stage"
log "seeded ripgrep cache with $rg_bin"

npm_env() {
  export TMPDIR="$dest/tmp"
  export npm_config_unsafe_perm=true
  export npm_config_yes=true
  export npm_config_fund=false
  export npm_config_audit=false
  export npm_config_update_notifier=false
}

log "npm install code-server@$CS_VERSION --ignore-scripts (downloads from the npm registry)"
(
  cd "$dest" && npm_env
  npm install --no-package-lock --omit=dev --ignore-scripts >"$dest/install.log" 2>&1
) || {
  log "ERROR: npm install failed; last lines of $dest/install.log:"
  tail -40 "$dest/install.log" || true
  exit 1
}

# code-server's postinstall runs `npm install` in lib/vscode and lib/vscode/extensions. Those are
# projects of their own without allowScripts, so their native modules would be skipped. Approve
# them in a project .npmrc of each (an allow-scripts *config* in the outer npm would be exported
# to the nested npm's environment, which npm 11 refuses as `--allow-scripts` in a project install).
cs="$dest/node_modules/code-server"
echo "allow-scripts=@parcel/watcher,@vscode/deviceid,@vscode/ripgrep,@vscode/spdlog,kerberos,native-watchdog,node-pty,@vscode/windows-ca-certs,@vscode/windows-process-tree,@vscode/windows-registry" >"$cs/lib/vscode/.npmrc"
echo "allow-scripts=@parcel/watcher,esbuild" >"$cs/lib/vscode/extensions/.npmrc"

log "running install scripts (argon2, code-server postinstall: VS Code dependencies, native builds)"
(
  cd "$dest" && npm_env
  npm rebuild --foreground-scripts >>"$dest/install.log" 2>&1
) || {
  log "ERROR: install scripts failed; last lines of $dest/install.log:"
  tail -40 "$dest/install.log" || true
  exit 1
}

# Check the parts the tests need are really there.
missing=()
[ -f "$entry" ] || missing+=("out/node/entry.js")
[ -x "$cs/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ] || missing+=("ripgrep bin/rg")
ls "$cs"/lib/vscode/node_modules/node-pty/build/Release/*.node >/dev/null 2>&1 || missing+=("node-pty native build")
[ -e "$cs/lib/vscode/node_modules.asar" ] || missing+=("node_modules.asar link (postinstall did not finish)")
if [ ${#missing[@]} -gt 0 ]; then
  log "ERROR: install incomplete: ${missing[*]}; see $dest/install.log"
  exit 1
fi

rm -rf "$dest/tmp"
echo "$CS_VERSION" >"$marker"
log "code-server $CS_VERSION installed in $(( $(date +%s) - start ))s"
