/**
 * Hostile corpus: the store. Attacks on what the gateway keeps — packages carrying huge texts
 * that compress small, quotas, writes that fail under it, names longer than a file name may be,
 * deletion of published versions, kill -9 right after an acknowledged change, file modes, and
 * SNMPv3 keys at rest. Each runs against a real emulator process, asserts the answer, that
 * `/healthz` kept answering within a second during the attack, and (where nothing should change)
 * that the state is unchanged.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { LIMITS } from '../../src/core/limits';
import JSZip from 'jszip';
import { buildPackageFile, computeContentDigest } from '../../src/core/package/packageFile';
import { sha256Hex } from '../../src/core/package/sha256';
import { sendTrap } from '../../src/core/snmp/sendTrap';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { assertRefused, call, snapshot, startTarget, whileServing } from './harness';

const FLOW = 'steps:\n  - kind: log\n    message: "= \'ok\'"\n';
const MB = 1024 * 1024;

type Place = 'description' | 'instructions' | 'definition';

/**
 * A package file forged as an attacker would — entries and manifest written by hand, hashes and
 * digest recomputed — so no check of the builder stands between the test and the gateway.
 */
async function forgedPackage(o: { name: string; version: number; description?: string; instructions?: string; flows: Record<string, string> }): Promise<Uint8Array> {
  const enc = new TextEncoder();
  const entries: [string, Uint8Array][] = Object.entries(o.flows).map(([id, text]) => [`definitions/flows/${id}.flow.yaml`, enc.encode(text)]);
  const instructions = enc.encode(o.instructions ?? `# ${o.name}\n`);
  const manifest: any = {
    format: 'flowgate-package/1',
    name: o.name,
    version: o.version,
    ...(o.description !== undefined ? { description: o.description } : {}),
    createdAt: new Date().toISOString(),
    createdBy: 'hostile/store',
    definitions: entries.map(([file, data], i) => ({ kind: 'flow', id: Object.keys(o.flows)[i], file, sha256: sha256Hex(data) })),
    instructions: { file: 'INSTRUCTIONS.md', sha256: sha256Hex(instructions) },
    authorisation: { groups: [] },
    schedules: [],
    triggers: [],
  };
  manifest.contentDigest = computeContentDigest(manifest);
  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify(manifest, null, 2));
  for (const [file, data] of entries) zip.file(file, data);
  zip.file('INSTRUCTIONS.md', instructions);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

/** A package version whose `place` carries `size` bytes of text (it compresses to almost nothing). */
function bigPackage(name: string, version: number, place: Place, size: number): Promise<Uint8Array> {
  const filler = (n: number) => `${version}`.padEnd(n, 'x');
  return forgedPackage({
    name,
    version,
    ...(place === 'description' ? { description: filler(size) } : {}),
    instructions: place === 'instructions' ? filler(size) : `# ${name}\n`,
    flows: { 'big/Main': FLOW, ...(place === 'definition' ? { 'big/Heavy': `${FLOW}#${filler(size - FLOW.length - 2)}\n` } : {}) },
  });
}

/** Every file and folder under `dir` (relative), with its mode, `executions/` left out (history segments are not store state). */
function tree(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p);
      if (rel === 'executions') continue;
      out.set(rel, lstatSync(p).mode & 0o777);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}
const names = (dir: string) => [...tree(dir).keys()].sort();

async function killNine(gw: EmulatorProcess): Promise<void> {
  gw.process.kill('SIGKILL');
  if (gw.process.exitCode === null && gw.process.signalCode === null) await new Promise((r) => gw.process.once('exit', r));
}

describe('hostile: the store', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'flowgate-hostile-store-'));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('ten ~50 KB uploads carrying 48 MB of text each are refused (413 quota-exceeded naming the field); nothing is stored, every change still works', async () => {
    const gw = await startTarget();
    try {
      const before = await snapshot(gw);
      const storeBefore = readFileSync(path.join(gw.dataDir, 'store.json'));
      const filesBefore = names(gw.dataDir);
      const places: Place[] = ['description', 'instructions', 'definition'];
      for (let i = 1; i <= 10; i++) {
        const place = places[i % 3];
        const bytes = await bigPackage('poison', i, place, 48 * MB);
        assert.ok(bytes.length < 100 * 1024, `the upload is small (${bytes.length} bytes)`);
        const res = await whileServing(gw, () => call(gw, 'POST', '/api/v1/packages', bytes));
        const field = place === 'description' ? 'manifest' : place === 'instructions' ? 'instructions' : /^entries\["definitions\/flows\/big\/Heavy\.flow\.yaml"\]$/;
        assertRefused(res, 413, field, 'quota-exceeded');
      }
      assert.deepEqual(await snapshot(gw), before);
      assert.deepEqual(readFileSync(path.join(gw.dataDir, 'store.json')), storeBefore, 'store.json is untouched');
      assert.deepEqual(names(gw.dataDir), filesBefore, 'no file was left behind');
      // The store still takes every kind of change.
      assert.equal((await call(gw, 'POST', '/api/v1/packages/network-ops/versions/1/unpublish')).status, 200);
      assert.equal((await call(gw, 'POST', '/api/v1/packages/network-ops/versions/1/publish')).status, 200);
      assert.equal((await call(gw, 'POST', '/api/v1/packages', await bigPackage('fine', 1, 'instructions', 1000))).status, 201);
    } finally {
      await gw.stop();
    }
  });

  test('ten versions at the quotas: texts live in content files, store.json stays small, changes and a restart keep working', async () => {
    const dir = dataDir();
    let gw = await startTarget({ dataDir: dir });
    try {
      for (let v = 1; v <= 10; v++) {
        const { bytes } = await buildPackageFile({
          name: 'heavy',
          version: v,
          createdBy: 'hostile/store',
          description: `${v}`.padEnd(LIMITS.textLength, 'd'),
          instructions: `# v${v}\n`.padEnd(LIMITS.instructionsLength, 'i'),
          definitions: [
            { kind: 'flow', id: 'big/Main', text: FLOW },
            { kind: 'flow', id: `big/Heavy${v}`, text: `${FLOW}#`.padEnd(LIMITS.definitionTextBytes - 1, 'h') + '\n' },
          ],
        });
        const res = await whileServing(gw, () => call(gw, 'POST', '/api/v1/packages', bytes));
        assert.equal(res.status, 201, JSON.stringify(res.body).slice(0, 500));
      }
      const size = statSync(path.join(dir, 'store.json')).size;
      assert.ok(size < 64 * 1024, `store.json holds state only: ${size} bytes after ~30 MB of text`);
      const v10 = (await call(gw, 'GET', '/api/v1/packages/heavy/versions/10')).body;
      assert.equal(v10.instructions.length, LIMITS.instructionsLength);
      assert.match(v10.instructions, /^# v10\n/);
      assert.equal(v10.description.length, LIMITS.textLength);
      // Lists stay bounded: a package's description is cut there, whole in the package's own answer.
      const listed = (await call(gw, 'GET', '/api/v1/packages')).body.packages.find((p: any) => p.name === 'heavy');
      assert.equal(listed.description.length, LIMITS.listDescriptionLength);
      assert.ok(listed.description.endsWith('…'));
      assert.equal((await call(gw, 'GET', '/api/v1/packages/heavy')).body.description.length, LIMITS.textLength);
      assert.equal((await call(gw, 'POST', '/api/v1/packages/heavy/versions/10/publish')).status, 200);
      const before = await snapshot(gw);
      await gw.stop();
      gw = await startEmulatorProcess({ dataDir: dir });
      assert.deepEqual(await snapshot(gw), before, 'the same state after a restart, texts read back from content files');
    } finally {
      await gw.stop();
    }
  });

  test('quotas: too many definitions, a long description, an oversized definition text — refused naming the field, state unchanged', async () => {
    const gw = await startTarget();
    try {
      const before = await snapshot(gw);
      const filesBefore = names(gw.dataDir);
      const many = await forgedPackage({
        name: 'many',
        version: 1,
        flows: Object.fromEntries(Array.from({ length: LIMITS.definitionsPerVersion + 1 }, (_, i) => [`m/F${i}`, FLOW])),
      });
      assertRefused(await whileServing(gw, () => call(gw, 'POST', '/api/v1/packages', many)), 413, 'manifest.definitions', 'quota-exceeded');

      const described = await bigPackage('described', 1, 'description', LIMITS.textLength + 1);
      const res = await whileServing(gw, () => call(gw, 'POST', '/api/v1/packages', described));
      // The manifest schema (400) or the store's quota (413) may be first: either names the field.
      assert.ok(res.status === 400 || res.status === 413, `status ${res.status}`);
      assertRefused(res, res.status, 'manifest.description');

      const heavy = await bigPackage('heavy', 1, 'definition', LIMITS.definitionTextBytes + 10);
      assertRefused(await whileServing(gw, () => call(gw, 'POST', '/api/v1/packages', heavy)), 413, /^entries\[/, 'quota-exceeded');

      const instructions = await bigPackage('instructed', 1, 'instructions', LIMITS.instructionsLength + 1);
      assertRefused(await whileServing(gw, () => call(gw, 'POST', '/api/v1/packages', instructions)), 413, 'instructions', 'quota-exceeded');

      assert.deepEqual(await snapshot(gw), before);
      assert.deepEqual(names(gw.dataDir), filesBefore);
    } finally {
      await gw.stop();
    }
  });

  test('a package file that lies about its sizes (declares 1 KB, inflates to 40 MB) is refused as damaged; nothing stored', async () => {
    const gw = await startTarget();
    try {
      const before = await snapshot(gw);
      const filesBefore = names(gw.dataDir);
      const bytes = await bigPackage('liar', 1, 'definition', 40 * MB);
      const entry = Buffer.from('definitions/flows/big/Heavy.flow.yaml');
      const buf = Buffer.from(bytes);
      let patched = 0;
      // Local header (sizes at 18/22, name at 30) and central directory header (sizes at 20/24, name at 46).
      for (let i = 0; i + 4 <= buf.length; i++) {
        const sig = buf.readUInt32LE(i);
        if (sig === 0x04034b50 && buf.subarray(i + 30, i + 30 + entry.length).equals(entry)) {
          buf.writeUInt32LE(1024, i + 22);
          patched++;
        } else if (sig === 0x02014b50 && buf.subarray(i + 46, i + 46 + entry.length).equals(entry)) {
          buf.writeUInt32LE(1024, i + 24);
          patched++;
        }
      }
      assert.equal(patched, 2);
      const res = await whileServing(gw, () => call(gw, 'POST', '/api/v1/packages', new Uint8Array(buf)));
      assertRefused(res, 400, /^(file|entries\[)/, 'invalid-package-file');
      assert.deepEqual(await snapshot(gw), before);
      assert.deepEqual(names(gw.dataDir), filesBefore);
    } finally {
      await gw.stop();
    }
  });

  test('a failed write (store.json cannot be replaced) is refused and not visible; a failed upload leaves no file; fixed, everything works', async () => {
    const dir = dataDir();
    let gw = await startTarget({ dataDir: dir });
    try {
      const before = await snapshot(gw);
      const filesBefore = names(dir);
      const file = path.join(dir, 'store.json');
      renameSync(file, `${file}.aside`);
      mkdirSync(file);
      writeFileSync(path.join(file, 'occupied'), 'x');

      const un = await whileServing(gw, () => call(gw, 'POST', '/api/v1/packages/network-ops/versions/1/unpublish'));
      assert.equal(un.status, 500, JSON.stringify(un.body));
      assert.equal(un.body.error.code, 'internal');
      assert.doesNotMatch(un.body.error.message, new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no path of the data folder in the answer');
      const user = await whileServing(gw, () => call(gw, 'POST', '/api/v1/snmp/users', { name: 'late', level: 'authNoPriv', authProtocol: 'sha', authKey: 'late-auth-key-1' }));
      assert.equal(user.status, 500);
      const up = await whileServing(gw, async () => call(gw, 'POST', '/api/v1/packages', await bigPackage('fresh', 1, 'instructions', 5000)));
      assert.equal(up.status, 500);
      // Concurrent changes that share the failing write fail together and none stays visible.
      const both = await whileServing(gw, () =>
        Promise.all([
          call(gw, 'POST', '/api/v1/packages/network-ops/versions/1/unpublish'),
          call(gw, 'POST', '/api/v1/snmp/users', { name: 'later', level: 'authNoPriv', authProtocol: 'sha', authKey: 'later-auth-key-1' }),
        ]),
      );
      assert.deepEqual(both.map((r) => r.status), [500, 500]);

      rmSync(file, { recursive: true });
      renameSync(`${file}.aside`, file);
      assert.deepEqual(await snapshot(gw), before, 'no failed change is visible');
      assert.deepEqual(names(dir), filesBefore, 'the failed upload left no package or content file');

      assert.equal((await call(gw, 'POST', '/api/v1/packages/network-ops/versions/1/unpublish')).status, 200);
      assert.equal((await call(gw, 'POST', '/api/v1/packages', await bigPackage('fresh', 1, 'instructions', 5000))).status, 201);
      const fixed = await snapshot(gw);
      await gw.stop();
      gw = await startEmulatorProcess({ dataDir: dir });
      assert.deepEqual(await snapshot(gw), fixed, 'memory and disk agree');
    } finally {
      await gw.stop();
    }
  });

  test('a full data folder: a change is refused (507 quota-exceeded) and not visible; with room again it works', async () => {
    const mountPoint = mkdtempSync(path.join(os.tmpdir(), 'flowgate-hostile-full-'));
    dirs.push(mountPoint);
    let mounted = false;
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m,mode=0700', 'tmpfs', mountPoint], { stdio: 'ignore' });
      mounted = true;
    } catch {
      // No tmpfs here (not root): the same refusal is provoked by a content folder that cannot be written.
    }
    const dir = mounted ? path.join(mountPoint, 'data') : dataDir();
    const gw = await startTarget({ dataDir: dir });
    const filler = path.join(mounted ? mountPoint : dir, 'filler');
    try {
      const before = await snapshot(gw);
      if (mounted) {
        // Fill the file system to the last byte.
        const fd = openSync(filler, 'w');
        const chunk = Buffer.alloc(64 * 1024, 1);
        try {
          for (;;) writeSync(fd, chunk);
        } catch {
          for (let n = 4096; n >= 1; n = Math.floor(n / 2)) {
            try {
              for (;;) writeSync(fd, chunk.subarray(0, n));
            } catch {
              // smaller pieces
            }
          }
        } finally {
          closeSync(fd);
        }
      } else {
        // Without tmpfs: the content folder's place is taken by a file, so no text can be written.
        renameSync(path.join(dir, 'content'), path.join(dir, 'content.aside'));
        writeFileSync(path.join(dir, 'content'), 'not a folder');
      }
      const up = await whileServing(gw, async () => call(gw, 'POST', '/api/v1/packages', await bigPackage('roomless', 1, 'instructions', 200_000)));
      if (mounted) assertRefused(up, 507, 'store', 'quota-exceeded');
      else assert.equal(up.status, 500);
      if (mounted) {
        const un = await whileServing(gw, () => call(gw, 'POST', '/api/v1/packages/network-ops/versions/1/unpublish'));
        assertRefused(un, 507, 'store', 'quota-exceeded');
      }
      assert.deepEqual(await snapshot(gw), before);
      assert.ok(!existsSync(path.join(dir, 'packages', 'roomless')), 'no package folder left');

      if (mounted) rmSync(filler);
      else {
        rmSync(path.join(dir, 'content'));
        renameSync(path.join(dir, 'content.aside'), path.join(dir, 'content'));
      }
      assert.equal((await call(gw, 'POST', '/api/v1/packages/network-ops/versions/1/unpublish')).status, 200);
      assert.equal((await call(gw, 'POST', '/api/v1/packages', await bigPackage('roomless', 1, 'instructions', 200_000))).status, 201);
    } finally {
      await gw.stop();
      if (mounted) execFileSync('umount', [mountPoint], { stdio: 'ignore' });
    }
  });

  test('names of 256+ characters and versions beyond 9 digits: 400 naming the field, no file or folder created', async () => {
    const gw = await startTarget();
    try {
      const before = await snapshot(gw);
      const filesBefore = names(gw.dataDir);
      for (const length of [LIMITS.nameLength + 1, 256, 300, 5000]) {
        const bytes = await forgedPackage({ name: 'n'.repeat(length), version: 1, flows: { 'a/B': FLOW } });
        assertRefused(await whileServing(gw, () => call(gw, 'POST', '/api/v1/packages', bytes)), 400, 'manifest.name');
      }
      // Versions no path segment can address (more than 9 digits) are refused the same way.
      for (const version of [LIMITS.maxVersion + 1, 2 ** 53 - 1]) {
        const bytes = await forgedPackage({ name: 'far', version, flows: { 'a/B': FLOW } });
        assertRefused(await whileServing(gw, () => call(gw, 'POST', '/api/v1/packages', bytes)), 400, 'manifest.version');
      }
      for (const [method, p] of [
        ['GET', `/api/v1/packages/${'n'.repeat(300)}`],
        ['GET', `/api/v1/packages/${'n'.repeat(300)}/versions/1`],
        ['DELETE', `/api/v1/packages/${'n'.repeat(300)}`],
        ['DELETE', `/api/v1/packages/${'n'.repeat(300)}/versions/1`],
      ] as const) {
        assertRefused(await whileServing(gw, () => call(gw, method, p)), 400, 'name');
      }
      assert.deepEqual(await snapshot(gw), before);
      assert.deepEqual(names(gw.dataDir), filesBefore, 'no orphan file or folder');
    } finally {
      await gw.stop();
    }
  });

  test('files an interrupted upload or deletion stranded (no state names them) are removed when the store opens', async () => {
    const dir = dataDir();
    let gw = await startTarget({ dataDir: dir });
    try {
      const before = await snapshot(gw);
      const storeFiles = () => names(dir).filter((n) => n.startsWith('packages') || n.startsWith('content'));
      const kept = storeFiles();
      await gw.stop();
      // What kill -9 between the files and the state of an upload would leave, and a temporary file.
      mkdirSync(path.join(dir, 'packages', 'stranded'), { recursive: true });
      writeFileSync(path.join(dir, 'packages', 'stranded', '1.fgpkg'), 'zip');
      writeFileSync(path.join(dir, 'packages', 'network-ops', '7.fgpkg'), 'zip');
      writeFileSync(path.join(dir, 'content', 'ab'.repeat(32)), 'text nobody names');
      writeFileSync(path.join(dir, 'content', '.fg-0123456789abcdef.tmp'), 'half');
      gw = await startEmulatorProcess({ dataDir: dir });
      assert.deepEqual(storeFiles(), kept);
      assert.deepEqual(await snapshot(gw), before);
    } finally {
      await gw.stop();
    }
  });

  test('DELETE of a published version or a package with one is refused (409 version-published); state unchanged', async () => {
    const gw = await startTarget();
    try {
      const before = await snapshot(gw);
      assertRefused(await whileServing(gw, () => call(gw, 'DELETE', '/api/v1/packages/network-ops/versions/1')), 409, 'version', 'version-published');
      assertRefused(await whileServing(gw, () => call(gw, 'DELETE', '/api/v1/packages/network-ops')), 409, 'versions[1]', 'version-published');
      assert.deepEqual(await snapshot(gw), before);
      assert.ok(existsSync(path.join(gw.dataDir, 'packages', 'network-ops', '1.fgpkg')));
    } finally {
      await gw.stop();
    }
  });

  test('kill -9 right after acknowledged changes: each holds after the restart', async () => {
    const dir = dataDir();
    let gw = await startTarget({ dataDir: dir, publishSample: false });
    try {
      for (let round = 1; round <= 3; round++) {
        assert.equal((await call(gw, 'POST', '/api/v1/packages', await bigPackage('k9', round, 'instructions', 10_000 + round))).status, 201);
        assert.equal((await call(gw, 'POST', `/api/v1/packages/k9/versions/${round}/publish`)).status, 200);
        assert.equal((await call(gw, 'POST', '/api/v1/snmp/users', { name: `u${round}`, level: 'authNoPriv', authProtocol: 'sha', authKey: `auth-key-of-u${round}` })).status, 201);
        if (round > 1) assert.equal((await call(gw, 'POST', `/api/v1/packages/k9/versions/${round - 1}/unpublish`)).status, 200);
        if (round > 1) assert.equal((await call(gw, 'DELETE', `/api/v1/packages/k9/versions/${round - 1}`)).status, 200);
        const acknowledged = await snapshot(gw);
        await killNine(gw);
        gw = await startEmulatorProcess({ dataDir: dir });
        assert.deepEqual(await snapshot(gw), acknowledged, `round ${round}`);
      }
    } finally {
      await gw.stop();
    }
  });

  test('file modes: the data folder 0700 and every file 0600, existing folders tightened on open', async () => {
    const dir = dataDir();
    let gw = await startTarget({ dataDir: dir });
    try {
      await call(gw, 'POST', '/api/v1/snmp/users', { name: 'modes', level: 'authNoPriv', authProtocol: 'sha', authKey: 'modes-auth-key' });
      await call(gw, 'DELETE', '/api/v1/packages/nothing');
      const run = await call(gw, 'POST', '/api/default/default/flows/network%2Fcore%2FRestart-Service/executions?packageName=network-ops', { inputVariables: { device: '10.0.0.9' } });
      assert.equal(run.status, 200, JSON.stringify(run.body));
      const everything = (): [string, import('node:fs').Stats][] => {
        const out: [string, import('node:fs').Stats][] = [];
        const walk = (d: string) => {
          for (const e of readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, e.name);
            out.push([path.relative(dir, p), lstatSync(p)]);
            if (e.isDirectory()) walk(p);
          }
        };
        walk(dir);
        return out;
      };
      const check = () => {
        assert.equal(statSync(dir).mode & 0o777, 0o700, 'the data folder');
        const all = everything();
        assert.ok(all.some(([rel]) => rel.startsWith('executions')), 'execution history is covered too');
        for (const [rel, st] of all) {
          if (st.isSymbolicLink()) continue;
          assert.equal(st.mode & 0o777, st.isDirectory() ? 0o700 : 0o600, `${rel}: ${(st.mode & 0o777).toString(8)}`);
        }
        assert.ok(existsSync(path.join(dir, 'secret.key')));
      };
      check();
      await gw.stop();
      // Loosened by hand (or left by an older version): tightened when the store opens.
      chmodSync(dir, 0o755);
      for (const [rel, st] of everything()) chmodSync(path.join(dir, rel), st.isDirectory() ? 0o755 : 0o644);
      // A file the gateway does not keep (the folder is someone's): left as it is.
      writeFileSync(path.join(dir, 'notes.txt'), 'mine');
      chmodSync(path.join(dir, 'notes.txt'), 0o644);
      gw = await startEmulatorProcess({ dataDir: dir });
      assert.equal(statSync(path.join(dir, 'notes.txt')).mode & 0o777, 0o644, 'a foreign file keeps its mode');
      rmSync(path.join(dir, 'notes.txt'));
      check();
      await gw.stop();

      // --data pointed at a folder that is not a data folder (a home, a shared folder): nothing of its own changes.
      const shared = dataDir();
      chmodSync(shared, 0o755);
      writeFileSync(path.join(shared, 'notes.txt'), 'mine');
      chmodSync(path.join(shared, 'notes.txt'), 0o644);
      gw = await startEmulatorProcess({ dataDir: shared });
      assert.equal((await call(gw, 'GET', '/api/v1/packages')).status, 200);
      assert.equal(statSync(shared).mode & 0o777, 0o755, "the folder's own mode");
      assert.equal(statSync(path.join(shared, 'notes.txt')).mode & 0o777, 0o644);
      assert.equal(statSync(path.join(shared, 'secret.key')).mode & 0o777, 0o600, 'what the gateway writes there is private');
    } finally {
      await gw.stop();
    }
  });

  test('SNMPv3 keys: never in clear in any file of the data folder (also from a hand-edited store); they still authenticate traps', async () => {
    const dir = dataDir();
    const AUTH = 'AuthKey-Clear-7f3a9e';
    const PRIV = 'PrivKey-Clear-c81e24';
    const HAND = 'HandEdited-Key-55aa01';
    const clearIn = (): string[] => {
      const hits: string[] = [];
      const walk = (d: string) => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) walk(p);
          else if (e.isFile()) {
            const b = readFileSync(p);
            for (const k of [AUTH, PRIV, HAND]) if (b.includes(k) || b.includes(Buffer.from(k).toString('base64'))) hits.push(`${path.relative(dir, p)}: ${k}`);
          }
        }
      };
      walk(dir);
      return hits;
    };
    let gw = await startTarget({ dataDir: dir, publishSample: false });
    try {
      const created = await whileServing(gw, () =>
        call(gw, 'POST', '/api/v1/snmp/users', { name: 'secretive', level: 'authPriv', authProtocol: 'sha256', authKey: AUTH, privProtocol: 'aes', privKey: PRIV }),
      );
      assert.equal(created.status, 201);
      assert.doesNotMatch(JSON.stringify(created.body), /Clear/);
      assert.doesNotMatch(JSON.stringify((await call(gw, 'GET', '/api/v1/snmp/users')).body), /Clear/);
      assert.deepEqual(clearIn(), []);
      await gw.stop();

      // A hand-edited (or older) store.json with a key in clear: sealed when the store opens.
      const file = path.join(dir, 'store.json');
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      doc.snmpUsers.handmade = { name: 'handmade', level: 'authNoPriv', authProtocol: 'sha', authKey: HAND };
      writeFileSync(file, JSON.stringify(doc));
      gw = await startEmulatorProcess({ dataDir: dir });
      assert.deepEqual(clearIn(), [], 'no key in clear after the store opened');
      const users = (await call(gw, 'GET', '/api/v1/snmp/users')).body.users.map((u: any) => u.name).sort();
      assert.deepEqual(users, ['handmade', 'secretive']);

      // The sealed keys still work: a v3 authPriv trap with them is received and names the user.
      const uptime = 424242;
      await sendTrap({ host: '127.0.0.1', port: gw.snmpPort, uptime, version: 'v3', trapOid: '1.3.6.1.4.1.8072.2.3.0.1', user: { name: 'secretive', level: 'authPriv', authProtocol: 'sha256', authKey: AUTH, privProtocol: 'aes', privKey: PRIV } });
      let got: any;
      for (let i = 0; i < 100 && !got; i++) {
        got = (await call(gw, 'GET', '/api/v1/snmp/traps')).body.traps.find((t: any) => t.pdu.uptime === uptime);
        if (!got) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(got?.pdu.user, 'secretive');
      assert.deepEqual(clearIn(), []);
    } finally {
      await gw.stop();
    }
  });
});
