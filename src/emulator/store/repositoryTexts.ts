/**
 * The texts of the repository's current definitions, laid out like a workspace:
 * `<data>/repository/flows/<folders>/<Name>.flow.yaml`, `<data>/repository/connections/<Name>.connection.yaml`.
 * Written atomically at upload; `read` returns a text only when its SHA-256 is the one the store
 * records (a crash between writing the text and the store leaves the old record in charge — the
 * caller then falls back to the package file that wrote the definition).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { DefinitionKind } from '../../core/model/definition';
import { sha256Hex } from '../../core/package/sha256';
import { definitionPath } from '../../core/workspace/layout';
import { writeFileAtomic } from './packageFiles';

export const REPOSITORY_DIR = 'repository';

export class RepositoryTexts {
  constructor(private readonly dataDir: string) {}

  file(kind: DefinitionKind, id: string): string {
    // Ids were checked by the package reader (no `..`, no absolute paths, safe characters).
    return path.join(this.dataDir, REPOSITORY_DIR, ...definitionPath(kind, id).split('/'));
  }

  write(kind: DefinitionKind, id: string, text: string): Promise<void> {
    return writeFileAtomic(this.file(kind, id), new TextEncoder().encode(text));
  }

  /** The text, if present and its SHA-256 is `sha256`. */
  async read(kind: DefinitionKind, id: string, sha256: string): Promise<string | undefined> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(this.file(kind, id));
    } catch {
      return undefined;
    }
    if (sha256Hex(bytes) !== sha256) return undefined;
    return bytes.toString('utf8');
  }
}
