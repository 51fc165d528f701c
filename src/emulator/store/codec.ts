/**
 * `store.json` to and from memory: SNMPv3 keys sealed on disk (secrets.ts), plain in memory; a
 * format-1 document (texts inline, repository texts under `<data>/repository/`, keys in clear)
 * migrated to format 2 on open — its texts moved into content files first, then the document is
 * written again at once (so no clear key stays in it), then the old repository folder removed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readPackageFile } from '../../core/package/packageFile';
import { sha256Hex } from '../../core/package/sha256';
import { definitionPath } from '../../core/workspace/layout';
import type { SnmpUserSpec } from '../../core/model/trigger';
import { isPackageName } from '../../core/model/packageDraft';
import type { StoreCodec } from './db';
import type { ContentStore } from './contentStore';
import { SecretBox } from './secrets';
import { emptyStore, STORE_FORMAT, type StoreData } from './schema';

/** Format 1's folder of repository texts (`<data>/repository/{flows,connections}/…`). */
export const LEGACY_REPOSITORY_DIR = 'repository';

const SECRET_FIELDS = ['authKey', 'privKey'] as const;
const where = (user: string, field: string) => `snmpUser:${user}:${field}`;

type Json = Record<string, any>;

export function storeCodec(secrets: SecretBox, content: ContentStore, dataDir: string): StoreCodec & { readonly migratedFormat1: boolean } {
  let migratedFormat1 = false;
  return {
    /** A format-1 document was read (and, once the store is open, written as format 2). */
    get migratedFormat1() {
      return migratedFormat1;
    },
    sealUsers(users: Record<string, SnmpUserSpec>): unknown {
      const sealed: Record<string, unknown> = {};
      for (const [name, u] of Object.entries(users)) {
        const out: Json = { ...u };
        for (const f of SECRET_FIELDS) if (typeof u[f] === 'string') out[f] = secrets.seal(u[f] as string, where(name, f));
        sealed[name] = out;
      }
      return sealed;
    },

    async fromDisk(raw: unknown): Promise<{ data: StoreData; rewrite: boolean }> {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('store.json is not a JSON object');
      let doc = { ...emptyStore(), ...(raw as Json) } as Json;
      let rewrite = false;
      if (doc.format === 1) {
        doc = await migrateFormat1(doc, content, dataDir);
        rewrite = true;
        migratedFormat1 = true;
      }
      if (doc.format !== STORE_FORMAT) throw new Error(`unsupported store format ${String(doc.format)}`);
      const users: Record<string, SnmpUserSpec> = {};
      for (const [name, u] of Object.entries((doc.snmpUsers ?? {}) as Record<string, Json>)) {
        const plain: Json = { ...u };
        for (const f of SECRET_FIELDS) {
          const v = u[f];
          if (SecretBox.isSealed(v)) plain[f] = secrets.open(v, where(name, f));
          else if (typeof v === 'string') rewrite = true; // a plain key (hand-edited or old): seal it now
        }
        users[name] = plain as SnmpUserSpec;
      }
      doc.snmpUsers = users;
      return { data: doc as StoreData, rewrite };
    },
  };
}

/** Format 1 → 2: texts into content files (durable before the new document is written). */
async function migrateFormat1(doc: Json, content: ContentStore, dataDir: string): Promise<Json> {
  const packages = (doc.packages ?? {}) as Record<string, Json>;
  for (const pkg of Object.values(packages)) {
    if (typeof pkg.description === 'string') pkg.descriptionSha256 = await content.put(pkg.description);
    delete pkg.description;
    for (const v of Object.values((pkg.versions ?? {}) as Record<string, Json>)) {
      const m = (v.manifest ?? {}) as Json;
      if (typeof m.description === 'string') m.descriptionSha256 = await content.put(m.description);
      delete m.description;
      m.instructionsSha256 = await content.put(typeof m.instructions === 'string' ? m.instructions : '');
      delete m.instructions;
      v.manifest = m;
      if (typeof v.contentBytes !== 'number') {
        const stat = await fs.stat(path.join(dataDir, String(v.file ?? ''))).catch(() => undefined);
        v.contentBytes = stat?.size ?? 0;
      }
    }
  }
  // The repository's texts: from the old layout when intact, else from the package file that wrote them.
  const files = new Map<string, Promise<Awaited<ReturnType<typeof readPackageFile>> | undefined>>();
  for (const d of Object.values((doc.definitions ?? {}) as Record<string, Json>)) {
    if (await content.has(String(d.sha256))) continue;
    let text: string | undefined;
    try {
      const bytes = await fs.readFile(path.join(dataDir, LEGACY_REPOSITORY_DIR, ...definitionPath(d.kind, String(d.id)).split('/')));
      if (sha256Hex(bytes) === d.sha256) text = bytes.toString('utf8');
    } catch {
      // not there: the package file below
    }
    if (text === undefined && d.source && typeof d.source === 'object' && isPackageName(String(d.source.packageName))) {
      const rel = `packages/${String(d.source.packageName)}/${Number(d.source.version)}.fgpkg`;
      let parsed = files.get(rel);
      if (!parsed) {
        parsed = fs
          .readFile(path.join(dataDir, rel))
          .then((b) => readPackageFile(new Uint8Array(b)))
          .catch(() => undefined);
        files.set(rel, parsed);
      }
      text = (await parsed)?.sources.find((s) => s.kind === d.kind && s.id === d.id)?.text;
    }
    if (text !== undefined) await content.put(text);
  }
  doc.format = STORE_FORMAT;
  return doc;
}
