/**
 * The packaged extension for tests: `FLOWGATE_VSIX` when set (scripts/test-all.sh builds it once
 * with `npm run package` and every phase tests that one file), else a .vsix built now by
 * scripts/package.mjs into a temp folder (once per test process, ~5 s), removed on exit.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { REPO_ROOT } from './bundleBuild';

let built: Promise<string> | undefined;
const temps: string[] = [];
process.on('exit', () => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** A temp folder removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** The .vsix under test (see above). */
export function vsixFile(): Promise<string> {
  const given = process.env.FLOWGATE_VSIX;
  if (given) {
    const file = path.resolve(given);
    if (!existsSync(file)) return Promise.reject(new Error(`FLOWGATE_VSIX names ${file}, which does not exist (npm run package)`));
    return Promise.resolve(file);
  }
  built ??= new Promise<string>((resolve, reject) => {
    const dir = tempDir('flowgate-vsix-test-');
    const file = path.join(dir, 'flowgate.vsix');
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'scripts/package.mjs'), '--quiet', '--out', file, '--stage', path.join(dir, 'stage')],
      { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => (err ? reject(new Error(`npm run package failed: ${err.message}\n${stdout}\n${stderr}`)) : resolve(file)),
    );
  });
  return built;
}

/** The .vsix's entries (files only), by their path in the zip. */
export async function vsixEntries(file: string): Promise<Map<string, JSZip.JSZipObject>> {
  const zip = await JSZip.loadAsync(readFileSync(file));
  const entries = new Map<string, JSZip.JSZipObject>();
  zip.forEach((p, entry) => {
    if (!entry.dir) entries.set(p, entry);
  });
  return entries;
}

/** Unpacks the .vsix into `dir` (as VS Code installs it: the extension is `dir/extension/`); returns `dir/extension`. */
export async function unpackVsix(file: string, dir: string): Promise<string> {
  for (const [p, entry] of await vsixEntries(file)) {
    const target = path.resolve(dir, p);
    if (!target.startsWith(path.resolve(dir) + path.sep)) throw new Error(`the .vsix entry ${p} points outside the folder`);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, await entry.async('uint8array'));
  }
  return path.join(dir, 'extension');
}
