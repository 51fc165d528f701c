// `npm start`: build if needed, then run the emulator in the foreground with the sample
// workspace (examples/) published and, when the gateway has none yet, its package made the
// default package (so `npx flowgate run Restart-Service --input device=10.0.0.1` works). Extra
// arguments go to `flowgate emulator`
// (e.g. `npm start -- --port 9000`). Data lives in .flowgate/emulator unless --data or
// FLOWGATE_DATA says otherwise; its local-admin.json is the credential `npx flowgate` (src/cli/credentials.ts)
// and the banner's curl token line use, so nothing asks for a sign-in.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = path.join(root, 'dist', 'cli.js');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

if (!existsSync(cli) || newestMtime(path.join(root, 'src')) > statSync(cli).mtimeMs) {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const args = process.argv.slice(2);
const hasData = args.some((a) => a === '--data' || a.startsWith('--data=')) || process.env.FLOWGATE_DATA;
const dataArgs = hasData ? [] : ['--data', path.join(root, '.flowgate', 'emulator')];
const child = spawn(
  process.execPath,
  [cli, 'emulator', '--publish', path.join(root, 'examples'), '--set-default', ...dataArgs, ...args],
  { stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
