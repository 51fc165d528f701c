/**
 * What applying an import would write — computed once, the same way, for the import's validation,
 * its preview and the apply itself (so the preview is exactly what apply writes).
 *
 * 1. The package's flow texts are rewritten by the replacements (core's rewriteReferences: only the
 *    referencing values change, every other byte stays).
 * 2. A replaced definition the package carries (`from`) is dropped when nothing in the result still
 *    references it: the target's own `to` is used instead.
 * 3. Every definition the result references that the package lacks but this gateway's repository
 *    has is included, with the repository's text (a package version is self-contained here), and
 *    so on for what those reference.
 * 4. Validation against this gateway: a reference found nowhere → error `missing-reference`; a
 *    replacement whose `to` exists nowhere → error `replacement-target-missing`; one that matches
 *    no reference → warning `replacement-unused`; a connection whose secret this gateway lacks →
 *    warning `missing-secret`. At most LIMITS.validationProblems problems.
 */
import type { ValidationProblem, ValidationResult, Replacement } from '../../core/api/types';
import { referencesOf } from '../../core/graph/references';
import { LIMITS } from '../../core/limits';
import type { ConnectionDefinition } from '../../core/model/connection';
import { definitionKey, type DefinitionKind } from '../../core/model/definition';
import type { FlowDefinition } from '../../core/model/flow';
import type { PackageContents } from '../../core/package/packageFile';
import { rewriteReferences } from '../../core/package/rewriteReferences';
import { definitionPath } from '../../core/workspace/layout';
import { parseWorkspaceFile } from '../../core/workspace/parseFile';
import type { PackageStore } from '../store/packageStore';

export interface PlannedDefinition {
  kind: DefinitionKind;
  id: string;
  /** The text apply writes. */
  text: string;
  /** Taken from this gateway's repository (the package lacks it). */
  fromRepository: boolean;
}

export interface ImportPlan {
  /** Flows first, then connections, each by id (the package file's order). */
  definitions: PlannedDefinition[];
  validation: ValidationResult;
}

export interface PlanEnvironment {
  store: PackageStore;
  /** Whether this gateway holds a connection secret of this name. */
  hasSecret(name: string): boolean;
}

type Def = FlowDefinition | ConnectionDefinition;

function keyOf(kind: DefinitionKind, id: string): string {
  return definitionKey(kind, id);
}

function parseText(kind: DefinitionKind, id: string, text: string): Def | undefined {
  const parsed = parseWorkspaceFile(definitionPath(kind, id), text);
  const d = parsed.definition;
  return d && d.kind === kind && d.id === id ? d : undefined;
}

/** Kind and id in the package file's order: flows before connections, ids by code unit. */
export function compareDefinitions(a: { kind: DefinitionKind; id: string }, b: { kind: DefinitionKind; id: string }): number {
  if (a.kind !== b.kind) return a.kind === 'flow' ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export async function planImport(file: PackageContents, replacements: readonly Replacement[], env: PlanEnvironment): Promise<ImportPlan> {
  const problems: ValidationProblem[] = [];
  let dropped = 0;
  let anyError = false;
  const add = (p: ValidationProblem) => {
    if (p.severity === 'error') anyError = true;
    if (problems.length < LIMITS.validationProblems) problems.push(p);
    else dropped++;
  };
  const repo = env.store.state.definitions;
  const inRepository = (kind: DefinitionKind, id: string) => Object.prototype.hasOwnProperty.call(repo, keyOf(kind, id));

  const mapping = new Map<string, string>();
  for (const r of replacements) mapping.set(keyOf(r.kind, r.from), r.to);
  const mapped = (kind: DefinitionKind, id: string) => mapping.get(keyOf(kind, id));

  const carried = new Map<string, { def: Def; text: string }>();
  const textOf = new Map(file.sources.map((s) => [keyOf(s.kind, s.id), s.text]));
  for (const d of [...file.flows, ...file.connections]) carried.set(keyOf(d.kind, d.id), { def: d, text: textOf.get(keyOf(d.kind, d.id)) ?? '' });

  // Replacements: unused ones, and targets found nowhere.
  const usedFrom = new Set<string>();
  for (const f of file.flows) for (const ref of referencesOf(f)) usedFrom.add(keyOf(ref.to.kind, ref.to.id));
  replacements.forEach((r, i) => {
    const k = keyOf(r.kind, r.to);
    if (!carried.has(k) && !inRepository(r.kind, r.to)) {
      add({
        severity: 'error',
        code: 'replacement-target-missing',
        message: `replacements[${i}]: ${r.kind} '${r.to}' (replacing '${r.from}') is neither in the package nor in this gateway's repository`,
        reference: { kind: r.kind, id: r.to },
      });
    }
    if (!usedFrom.has(keyOf(r.kind, r.from))) {
      add({
        severity: 'warning',
        code: 'replacement-unused',
        message: `replacements[${i}]: no definition of the package references ${r.kind} '${r.from}'`,
        reference: { kind: r.kind, id: r.from },
      });
    }
  });

  // 1. The carried definitions, their references rewritten.
  const result = new Map<string, PlannedDefinition & { def: Def }>();
  for (const [k, c] of carried) {
    let text = c.text;
    if (c.def.kind === 'flow' && mapping.size) text = rewriteReferences(c.text, c.def, (kind, id) => mapped(kind, id)).text;
    result.set(k, { kind: c.def.kind, id: c.def.id, text, fromRepository: false, def: c.def });
  }
  /** A result definition's references, as they are after the replacements. */
  const refsAfter = (d: PlannedDefinition & { def: Def }) =>
    referencesOf(d.def).map((ref) => ({ ...ref, to: { kind: ref.to.kind, id: d.fromRepository ? ref.to.id : (mapped(ref.to.kind, ref.to.id) ?? ref.to.id) } }));

  // 2. A replaced `from` the package carries goes when nothing still references it.
  for (const r of replacements) {
    const k = keyOf(r.kind, r.from);
    if (!result.has(k) || keyOf(r.kind, r.to) === k) continue;
    const stillUsed = [...result.values()].some((d) => refsAfter(d).some((ref) => keyOf(ref.to.kind, ref.to.id) === k));
    if (!stillUsed) result.delete(k);
  }

  // 3 and 4. References: in the result, else included from the repository, else missing.
  const queue = [...result.values()];
  const reported = new Set<string>();
  while (queue.length) {
    const d = queue.shift()!;
    for (const ref of refsAfter(d)) {
      const k = keyOf(ref.to.kind, ref.to.id);
      if (result.has(k)) continue;
      const repoText = inRepository(ref.to.kind, ref.to.id) ? await env.store.repositoryText(ref.to.kind, ref.to.id) : undefined;
      const def = repoText ? parseText(ref.to.kind, ref.to.id, repoText.text) : undefined;
      if (repoText && def && result.size < LIMITS.definitionsPerVersion) {
        const planned = { kind: ref.to.kind, id: ref.to.id, text: repoText.text, fromRepository: true, def };
        result.set(k, planned);
        queue.push(planned);
        continue;
      }
      const rk = `${keyOf(d.kind, d.id)}→${k}`;
      if (reported.has(rk)) continue;
      reported.add(rk);
      add({
        severity: 'error',
        code: 'missing-reference',
        message: `${d.kind} '${d.id}' references ${ref.to.kind} '${ref.to.id}', which is neither in the package nor in this gateway's repository${
          result.size >= LIMITS.definitionsPerVersion ? ` (a version holds at most ${LIMITS.definitionsPerVersion} definitions)` : ''
        }`,
        definition: { kind: d.kind, id: d.id },
        reference: { kind: ref.to.kind, id: ref.to.id },
      });
    }
  }

  // Secrets the result's connections use.
  for (const d of result.values()) {
    if (d.def.kind !== 'connection') continue;
    const auth = d.def.connection.auth;
    const secret = auth && auth.type !== 'none' ? auth.secret : undefined;
    if (secret && !env.hasSecret(secret)) {
      add({
        severity: 'warning',
        code: 'missing-secret',
        message: `connection '${d.id}' uses the secret '${secret}', which this gateway does not hold (set it with PUT /api/v1/secrets/${secret} before running its flows)`,
        definition: { kind: 'connection', id: d.id },
        reference: { kind: 'secret', id: secret },
      });
    }
  }
  if (dropped && problems.length) {
    problems[problems.length - 1] = { ...problems[problems.length - 1], message: `${problems[problems.length - 1].message} (and ${dropped} more problems not listed)` };
  }
  const definitions = [...result.values()].map(({ kind, id, text, fromRepository }) => ({ kind, id, text, fromRepository })).sort(compareDefinitions);
  return { definitions, validation: { ok: !anyError, problems } };
}
