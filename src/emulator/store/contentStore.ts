/**
 * Content-addressed texts: `<data>/content/<sha256 hex>`, one file per distinct text (package and
 * version descriptions, instructions, the repository's definition texts). `store.json` holds only
 * their hashes, so it stays small whatever the texts weigh. A file's name is the SHA-256 of its
 * bytes — never caller text — and a read checks it. Files are written durably before the state
 * that names them, and removed by `collect` (garbage collection) once no state names them.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../../core/package/sha256';
import { exists, fsyncDir, privateDir, TEMP_FILE_PATTERN, writeFileDurable } from './durableFile';

export const CONTENT_DIR = 'content';
const HASH = /^[0-9a-f]{64}$/;
/** Texts this small are kept in memory once read (package descriptions, listed often). */
const CACHE_ITEM_BYTES = 64 * 1024;
const CACHE_TOTAL_BYTES = 8 * 1024 * 1024;

export class ContentStore {
  readonly dir: string;
  private readonly cache = new Map<string, string>();
  private cacheBytes = 0;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, CONTENT_DIR);
  }

  private file(sha256: string): string {
    if (!HASH.test(sha256)) throw new Error('not a SHA-256 content name');
    return path.join(this.dir, sha256);
  }

  /** Store a text (no-op when present); resolves with its SHA-256 once it is durable. */
  async put(text: string): Promise<string> {
    const bytes = Buffer.from(text, 'utf8');
    const sha256 = sha256Hex(bytes);
    const file = this.file(sha256);
    if (!(await exists(file))) await writeFileDurable(file, bytes);
    return sha256;
  }

  /** The text named `sha256`, if present and intact. */
  async get(sha256: string): Promise<string | undefined> {
    const hit = this.cache.get(sha256);
    if (hit !== undefined) {
      this.cache.delete(sha256);
      this.cache.set(sha256, hit);
      return hit;
    }
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(this.file(sha256));
    } catch {
      return undefined;
    }
    if (sha256Hex(bytes) !== sha256) return undefined;
    const text = bytes.toString('utf8');
    if (bytes.length <= CACHE_ITEM_BYTES) this.remember(sha256, text, bytes.length);
    return text;
  }

  async has(sha256: string): Promise<boolean> {
    return HASH.test(sha256) && exists(this.file(sha256));
  }

  private remember(sha256: string, text: string, bytes: number): void {
    this.cache.set(sha256, text);
    this.cacheBytes += bytes;
    for (const [k, v] of this.cache) {
      if (this.cacheBytes <= CACHE_TOTAL_BYTES) break;
      this.cache.delete(k);
      this.cacheBytes -= Buffer.byteLength(v, 'utf8');
    }
  }

  /** Remove every content file not in `referenced` (and temporary files); answers how many went. */
  async collect(referenced: ReadonlySet<string>): Promise<number> {
    await privateDir(this.dir);
    let removed = 0;
    for (const name of await fs.readdir(this.dir)) {
      // Only what the store writes here: content files and its temporary files.
      if (referenced.has(name) || !(HASH.test(name) || TEMP_FILE_PATTERN.test(name))) continue;
      await fs.rm(path.join(this.dir, name), { force: true, recursive: true });
      const text = this.cache.get(name);
      if (text !== undefined) {
        this.cache.delete(name);
        this.cacheBytes -= Buffer.byteLength(text, 'utf8');
      }
      removed++;
    }
    if (removed) await fsyncDir(this.dir);
    return removed;
  }
}
