/**
 * The workspace in memory: every flow, connection and package draft file, parsed. Files are
 * updated one at a time (`setFile` on each keystroke), and only that file is parsed again.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConnectionDefinition } from '../model/connection';
import type { DefinitionKind } from '../model/definition';
import type { FlowDefinition } from '../model/flow';
import type { PackageDraftDocument } from '../model/packageDraft';
import { classifyPath, CONNECTIONS_DIR, definitionPath, FLOWS_DIR, normalizeRelPath, PACKAGES_DIR } from './layout';
import { parseWorkspaceFile } from './parseFile';
import type { ParsedFile } from './parseFile';

export interface FileSource {
  /** Workspace-relative, `/`-separated paths of the candidate files. */
  list(): Promise<string[]>;
  read(relPath: string): Promise<string>;
}

/** Real files under `rootDir`: walks `flows/`, `connections/` and `packages/`, skipping `node_modules` and dot-folders. */
export function directorySource(rootDir: string): FileSource {
  const root = path.resolve(rootDir);
  return {
    async list() {
      const out: string[] = [];
      const walk = async (rel: string): Promise<void> => {
        let entries;
        try {
          entries = await readdir(path.join(root, rel), { withFileTypes: true });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return;
          throw e;
        }
        for (const entry of entries) {
          if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
          const child = `${rel}/${entry.name}`;
          if (entry.isDirectory()) await walk(child);
          else if (entry.isFile() && classifyPath(child)) out.push(child);
        }
      };
      for (const dir of [FLOWS_DIR, CONNECTIONS_DIR, PACKAGES_DIR]) await walk(dir);
      return out.sort();
    },
    async read(relPath) {
      const rel = normalizeRelPath(relPath);
      const abs = path.resolve(root, rel);
      if (abs !== root && !abs.startsWith(root + path.sep)) throw new Error(`'${relPath}' is outside the workspace`);
      return readFile(abs, 'utf8');
    },
  };
}

export async function loadWorkspace(source: FileSource): Promise<Workspace> {
  const ws = new Workspace();
  const paths = (await source.list()).filter((p) => classifyPath(p));
  const texts = await Promise.all(paths.map((p) => source.read(p)));
  paths.forEach((p, i) => ws.setFile(p, texts[i]));
  return ws;
}

export class Workspace {
  private readonly byPath = new Map<string, ParsedFile>();
  private cache?: {
    flows: Map<string, FlowDefinition>;
    connections: Map<string, ConnectionDefinition>;
    drafts: Map<string, { relPath: string; draft: PackageDraftDocument }>;
    files: ParsedFile[];
    ids: Record<DefinitionKind, string[]>;
  };

  /** The parsed file at `relPath`, if the workspace has it. */
  file(relPath: string): ParsedFile | undefined {
    return this.byPath.get(normalizeRelPath(relPath));
  }

  /** Every file, sorted by path (sorted once per change of the set of files). */
  files(): ParsedFile[] {
    return this.index().files.slice();
  }

  /** Schema-valid flows by id. */
  flows(): Map<string, FlowDefinition> {
    return this.index().flows;
  }

  /** Schema-valid connections by name. */
  connections(): Map<string, ConnectionDefinition> {
    return this.index().connections;
  }

  /** Schema-valid package drafts by name (the file name). */
  drafts(): Map<string, { relPath: string; draft: PackageDraftDocument }> {
    return this.index().drafts;
  }

  /** Whether a file for this definition exists, valid or not. */
  has(kind: DefinitionKind, id: string): boolean {
    return this.byPath.has(definitionPath(kind, id));
  }

  /** Ids of every flow or connection file, valid or not, sorted. */
  ids(kind: DefinitionKind): string[] {
    return this.index().ids[kind].slice();
  }

  /**
   * Adds or replaces one file and parses it. Returns the parsed file, or undefined (and changes
   * nothing) when the path is not a flow, connection or package draft.
   */
  setFile(relPath: string, text: string): ParsedFile | undefined {
    const rel = normalizeRelPath(relPath);
    if (!classifyPath(rel)) return undefined;
    const existing = this.byPath.get(rel);
    if (existing && existing.text === text) return existing;
    const parsed = parseWorkspaceFile(rel, text);
    this.byPath.set(rel, parsed);
    this.cache = undefined;
    return parsed;
  }

  /** Forgets one file; true when it was there. */
  removeFile(relPath: string): boolean {
    const removed = this.byPath.delete(normalizeRelPath(relPath));
    if (removed) this.cache = undefined;
    return removed;
  }

  private index() {
    if (!this.cache) {
      const flows = new Map<string, FlowDefinition>();
      const connections = new Map<string, ConnectionDefinition>();
      const drafts = new Map<string, { relPath: string; draft: PackageDraftDocument }>();
      const files = [...this.byPath.values()].sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
      const ids: Record<DefinitionKind, string[]> = { flow: [], connection: [] };
      for (const f of files) {
        if (f.kind === 'flow' || f.kind === 'connection') ids[f.kind].push(f.id);
        if (f.definition?.kind === 'flow') flows.set(f.id, f.definition);
        else if (f.definition?.kind === 'connection') connections.set(f.id, f.definition);
        else if (f.draft) drafts.set(f.id, { relPath: f.relPath, draft: f.draft });
      }
      this.cache = { flows, connections, drafts, files, ids };
    }
    return this.cache;
  }
}
