/**
 * Validation of a whole workspace kept current edit by edit: the Problems panel's engine (the
 * extension) and the CLI's. Results are exactly `validateFile` of every file (test/core/
 * validateIncremental.test.ts compares them after many kinds of edit); what changes is how
 * much is recomputed:
 * - a file's own diagnostics are recomputed when its text changed;
 * - a flow's reference diagnostics depend on the files it references (their existence, and a
 *   child flow's declared inputs): a reverse index of references (`kind:id` → flows naming it)
 *   finds the flows to revalidate when a definition changes, appears or disappears;
 * - a flow or draft with an unknown reference or entry ("did you mean …?" looks at every id) is
 *   revalidated whenever a file appears or disappears;
 * - a package draft is revalidated when it changed, when a file appeared or disappeared, or when
 *   a definition it may read changed: every string of the draft taken as a flow or connection id,
 *   and the closure of the references of those flows (an over-approximation, so never too few);
 *   its definitions' own diagnostics come from this cache, and references from the per-file cache
 *   of graph/references.ts.
 */
import type { DefinitionKind } from '../model/definition';
import type { Diagnostic } from '../model/diagnostic';
import { referencesOfFlow } from '../graph/references';
import { classifyPath, normalizeRelPath } from '../workspace/layout';
import type { Workspace } from '../workspace/workspace';
import { validateFile, validatePackage } from './validate';

/** Codes whose message depends on the set of ids in the workspace (closestMatch). */
const ID_SET_CODES = new Set(['unknown-flow', 'unknown-connection', 'unknown-definition']);

export interface ValidationUpdate {
  /** Files whose diagnostics were recomputed, with their diagnostics now. */
  updated: Map<string, Diagnostic[]>;
  /** Files that are gone (their diagnostics are dropped). */
  removed: string[];
}

export class WorkspaceValidation {
  /** Diagnostics of each file (only those placed in the file itself). */
  private readonly results = new Map<string, Diagnostic[]>();
  /** `kind:id` → relPaths of the flows whose text names it. */
  private readonly referencedBy = new Map<string, Set<string>>();
  /** relPath of a flow → the `kind:id` keys it references (to undo its entries in `referencedBy`). */
  private readonly referencesFrom = new Map<string, string[]>();
  /** relPath of a draft → the `kind:id` keys of the definitions its validation may read. */
  private readonly draftReads = new Map<string, Set<string>>();

  constructor(readonly ws: Workspace) {}

  /** Diagnostics of one file as last computed ([] for a file not validated). */
  get(relPath: string): Diagnostic[] {
    return this.results.get(normalizeRelPath(relPath)) ?? [];
  }

  /** Every file's diagnostics as last computed, by relPath. */
  all(): Map<string, Diagnostic[]> {
    return new Map(this.results);
  }

  /** Validates every file from scratch. */
  validateAll(): Map<string, Diagnostic[]> {
    this.results.clear();
    this.referencedBy.clear();
    this.referencesFrom.clear();
    this.draftReads.clear();
    const files = this.ws.files();
    for (const f of files) if (f.kind === 'flow') this.index(f.relPath, f.id);
    for (const f of files) if (f.kind !== 'package') this.compute(f.relPath);
    for (const f of files) if (f.kind === 'package') this.compute(f.relPath);
    return this.all();
  }

  /**
   * Brings the results up to date after the workspace's files at `changed` were set (created or
   * changed) and those at `removed` were removed. Returns what was recomputed.
   */
  update(changed: Iterable<string>, removed: Iterable<string> = []): ValidationUpdate {
    const ws = this.ws;
    const todo = new Set<string>();
    const gone: string[] = [];
    const touched = new Set<string>();
    let structural = false;
    const dependentsOf = (rel: string) => {
      const c = classifyPath(rel);
      if (!c || c.kind === 'package') return;
      touched.add(`${c.kind}:${c.id}`);
      for (const p of this.referencedBy.get(`${c.kind}:${c.id}`) ?? []) todo.add(p);
    };
    for (const raw of removed) {
      const rel = normalizeRelPath(raw);
      if (ws.file(rel)) continue; // set again since: treat as changed
      if (this.results.delete(rel)) {
        gone.push(rel);
        structural = true;
      }
      this.unindex(rel);
      this.draftReads.delete(rel);
      dependentsOf(rel);
    }
    for (const raw of changed) {
      const rel = normalizeRelPath(raw);
      const file = ws.file(rel);
      if (!file) {
        if (this.results.delete(rel)) {
          gone.push(rel);
          structural = true;
        }
        this.unindex(rel);
        this.draftReads.delete(rel);
        dependentsOf(rel);
        continue;
      }
      if (!this.results.has(rel)) structural = true;
      if (file.kind === 'flow') {
        this.unindex(rel);
        this.index(rel, file.id);
      }
      todo.add(rel);
      dependentsOf(rel);
    }
    if (structural) {
      for (const [rel, diags] of this.results) if (diags.some((d) => ID_SET_CODES.has(d.code))) todo.add(rel);
    }
    const updated = new Map<string, Diagnostic[]>();
    const drafts: string[] = [];
    for (const rel of todo) {
      const file = ws.file(rel);
      if (!file) continue;
      if (file.kind === 'package') drafts.push(rel);
      else updated.set(rel, this.compute(rel));
    }
    for (const f of ws.files()) {
      if (f.kind !== 'package' || todo.has(f.relPath)) continue;
      const reads = this.draftReads.get(f.relPath);
      if (structural || !reads || [...touched].some((k) => reads.has(k))) drafts.push(f.relPath);
    }
    for (const rel of drafts) updated.set(rel, this.compute(rel));
    return { updated, removed: gone };
  }

  private compute(rel: string): Diagnostic[] {
    const file = this.ws.file(rel)!;
    let diags: Diagnostic[];
    if (file.kind === 'package') {
      diags = validatePackage(this.ws, file.id, { fileDiagnostics: (p) => this.results.get(p) ?? validateFile(this.ws, p) }).diagnostics;
      this.draftReads.set(rel, this.readsOf(file.yaml.value));
    } else diags = validateFile(this.ws, rel);
    const mine = diags.filter((d) => !d.file || d.file === rel);
    this.results.set(rel, mine);
    return mine;
  }

  /**
   * What validating a draft may read: every string in it as a flow and a connection id (entries,
   * replacements, schedules' and triggers' flows…), and the references of those flows, closed.
   */
  private readsOf(value: unknown): Set<string> {
    const reads = new Set<string>();
    const queue: string[] = [];
    const stack: unknown[] = [value];
    let seen = 0;
    while (stack.length && seen++ < 1_000_000) {
      const v = stack.pop();
      if (typeof v === 'string') {
        reads.add(`connection:${v}`);
        if (!reads.has(`flow:${v}`)) {
          reads.add(`flow:${v}`);
          queue.push(v);
        }
      } else if (Array.isArray(v)) stack.push(...v);
      else if (v && typeof v === 'object') stack.push(...Object.values(v));
    }
    for (let i = 0; i < queue.length; i++) {
      for (const ref of referencesOfFlow(this.ws, queue[i])) {
        const k = `${ref.to.kind}:${ref.to.id}`;
        if (reads.has(k)) continue;
        reads.add(k);
        if (ref.to.kind === 'flow') queue.push(ref.to.id);
      }
    }
    return reads;
  }

  private index(rel: string, id: string): void {
    const keys = new Set<string>();
    for (const ref of referencesOfFlow(this.ws, id)) keys.add(`${ref.to.kind satisfies DefinitionKind}:${ref.to.id}`);
    for (const k of keys) {
      let set = this.referencedBy.get(k);
      if (!set) this.referencedBy.set(k, (set = new Set()));
      set.add(rel);
    }
    this.referencesFrom.set(rel, [...keys]);
  }

  private unindex(rel: string): void {
    for (const k of this.referencesFrom.get(rel) ?? []) {
      const set = this.referencedBy.get(k);
      set?.delete(rel);
      if (set && set.size === 0) this.referencedBy.delete(k);
    }
    this.referencesFrom.delete(rel);
  }
}
