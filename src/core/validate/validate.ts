/**
 * Validation of files, the whole workspace and package drafts. The same code runs in VS Code, the
 * command line and on gateways, so a package that validates in one validates in all.
 */
import type { DefinitionKind } from '../model/definition';
import type { Diagnostic, Range } from '../model/diagnostic';
import type { PackageDraftDocument, ReferenceReplacement } from '../model/packageDraft';
import { checkSchema } from '../schema/checkSchema';
import { closestMatch } from '../schema/closestMatch';
import { firstLineOf } from '../yaml/parseYaml';
import { definitionPath, draftPath } from '../workspace/layout';
import type { ParsedFile } from '../workspace/parseFile';
import type { Workspace } from '../workspace/workspace';
import { referencesOfFlow } from '../graph/references';
import { checkChildInputs } from './childInputs';
import { expressionSyntaxError, findExpressions } from './expressions';
import { draftScheduleDiagnostics } from './schedules';
import { draftTriggerDiagnostics } from './triggers';
import { isJsonObject } from '../model/jsonObject';

export interface MissingReference {
  kind: DefinitionKind;
  id: string;
  /** Ids of the flows that reference it. */
  referencedBy: string[];
}

export interface PackageValidation {
  /** No error-severity diagnostics. */
  ok: boolean;
  diagnostics: Diagnostic[];
  missing: MissingReference[];
}

export interface RemoteDefinitions {
  has(kind: DefinitionKind, id: string): boolean;
}

export interface ValidatePackageOptions {
  /** Validate against a gateway: references it has need not be in the package. */
  remote?: RemoteDefinitions;
  /**
   * The diagnostics of an included definition's file (`validateFile`), when the caller already
   * has them (workspaceValidation.ts keeps them per file); computed when left out.
   */
  fileDiagnostics?: (relPath: string) => Diagnostic[];
}

/**
 * Everything wrong with one file: YAML syntax, schema, names, and — for flows — expression
 * syntax and references to flows/connections the workspace does not have; for a package draft,
 * the package rules of `validatePackage` that point into the draft.
 */
export function validateFile(ws: Workspace, relPath: string): Diagnostic[] {
  const file = ws.file(relPath);
  if (!file) return [];
  if (file.kind === 'package') {
    return validatePackage(ws, file.id).diagnostics.filter((d) => d.file === file.relPath);
  }
  const out = [...file.diagnostics];
  if (file.kind === 'flow' && !file.yaml.errors.some((d) => d.severity === 'error')) {
    out.push(...expressionDiagnostics(file), ...referenceDiagnostics(ws, file));
  }
  if (file.kind === 'connection' && !hasYamlErrors(file)) {
    // From the parsed value, so that a schema problem elsewhere in the file does not hide this one.
    const headers = (file.yaml.value as { headers?: unknown } | null)?.headers;
    if (isJsonObject(headers)) out.push(...secretHeaderDiagnostics(file, headers));
  }
  return out;
}

/** `validateFile` for every file of the workspace. */
export function validateWorkspace(ws: Workspace): Diagnostic[] {
  return ws.files().flatMap((f) => validateFile(ws, f.relPath));
}

function expressionDiagnostics(file: ParsedFile): Diagnostic[] {
  const steps = (file.yaml.value as { steps?: unknown } | null)?.steps;
  const out: Diagnostic[] = [];
  for (const site of findExpressions(steps, ['steps'])) {
    const error = expressionSyntaxError(site.expression);
    if (!error) continue;
    out.push({
      severity: 'error',
      code: 'expression-syntax',
      message: `expression syntax error: ${error}`,
      file: file.relPath,
      range: rangeIn(file, site.path),
    });
  }
  return out;
}

function referenceDiagnostics(ws: Workspace, file: ParsedFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const ref of referencesOfFlow(ws, file.id)) {
    if (ws.has(ref.to.kind, ref.to.id)) {
      const child = ref.to.kind === 'flow' ? ws.flows().get(ref.to.id) : undefined;
      if (child) {
        for (const p of checkChildInputs(file.yaml.value, ref, child)) {
          out.push({
            severity: p.severity,
            code: p.code,
            message: p.message,
            file: file.relPath,
            range: rangeIn(file, p.path, p.part),
            data: { path: p.path, part: p.part, child: child.id, inputs: p.inputs },
          });
        }
      }
      continue;
    }
    const near = closestMatch(ref.to.id, ws.ids(ref.to.kind));
    out.push({
      severity: 'error',
      code: ref.to.kind === 'flow' ? 'unknown-flow' : 'unknown-connection',
      message:
        `${ref.to.kind} '${ref.to.id}' does not exist in the workspace` +
        (near ? `; did you mean '${near}'?` : ` (expected ${definitionPath(ref.to.kind, ref.to.id)})`),
      file: file.relPath,
      range: rangeIn(file, ref.path),
      data: { path: ref.path, part: 'value', kind: ref.to.kind, id: ref.to.id },
    });
  }
  return out;
}

/** Headers that look like credentials: a connection names secrets, it must not hold them. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|apikey|x-auth-token|x-access-token)$|secret|password|token/i;

function secretHeaderDiagnostics(file: ParsedFile, headers: Record<string, unknown>): Diagnostic[] {
  return Object.keys(headers)
    .filter((name) => SECRET_HEADER.test(name))
    .map((name) => ({
      severity: 'warning' as const,
      code: 'secret-in-connection',
      message: `header '${name}' looks like a credential; a connection must not hold secret values: use 'auth' with the name of a secret instead`,
      file: file.relPath,
      range: rangeIn(file, ['headers', name]),
    }));
}

/** The range of the value (or key) at `path` in a parsed file, on one line (the nearest one when the path is not there). */
export function rangeIn(file: ParsedFile, path: (string | number)[], part: 'key' | 'value' = 'value'): Range {
  const r = file.yaml.rangeOf(path, part) ?? file.yaml.nearestRangeOf(path, part);
  return r.end.line !== r.start.line ? firstLineOf(r, file.text) : r;
}

const hasYamlErrors = (file: ParsedFile) => file.yaml.errors.some((d) => d.severity === 'error');

/**
 * The parts of a package draft that parsed, when the draft fails its schema: the lists of
 * definitions, replacements, schedules and triggers, each entry kept at its own index only when
 * the schema found nothing wrong inside it (so a problem is not reported twice, and ranges stay
 * right); a list the schema refuses as a whole is left out. Undefined when the YAML itself does
 * not parse or is not a mapping.
 */
function partialDraft(file: ParsedFile): PackageDraftDocument | undefined {
  if (file.kind !== 'package' || hasYamlErrors(file)) return undefined;
  const value = file.yaml.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const problems = checkSchema('package', value).map((p) => p.path.join('\u0000'));
  const faulty = (path: (string | number)[]) => {
    const key = path.join('\u0000');
    return problems.some((p) => p === key || p.startsWith(`${key}\u0000`));
  };
  /** A sparse copy of the list at `path`: the entries that pass `ok` and have no schema problem. */
  const list = <T>(path: (string | number)[], raw: unknown, ok: (x: unknown) => boolean): T[] | undefined => {
    if (!Array.isArray(raw) || problems.includes(path.join('\u0000'))) return undefined;
    const out: T[] = new Array(raw.length);
    raw.forEach((x, i) => {
      if (ok(x) && !faulty([...path, i])) out[i] = x as T;
    });
    return out;
  };
  const defs = isJsonObject(v.definitions) ? (v.definitions as Record<string, unknown>) : {};
  const isString = (x: unknown) => typeof x === 'string';
  const flows = list<string>(['definitions', 'flows'], defs.flows, isString);
  const connections = list<string>(['definitions', 'connections'], defs.connections, isString);
  const replacements = list<ReferenceReplacement>(['replacements'], v.replacements, (x) => {
    const r = x as Record<string, unknown>;
    return isJsonObject(x) && (r.kind === 'flow' || r.kind === 'connection') && isString(r.from) && isString(r.to);
  });
  // Schedules and triggers: their own checks leave shape problems to the schema (validate/schedules.ts, triggers.ts).
  const schedules = Array.isArray(v.schedules) ? v.schedules : undefined;
  const triggers = Array.isArray(v.triggers) ? v.triggers : undefined;
  return {
    ...(v as object),
    definitions: { ...(flows ? { flows } : {}), ...(connections ? { connections } : {}) },
    ...(replacements ? { replacements } : { replacements: [] }),
    ...(schedules ? { schedules } : { schedules: undefined }),
    ...(triggers ? { triggers } : { triggers: undefined }),
  } as PackageDraftDocument;
}

/** What a package draft carries, after its replacements (see `draftScope`). */
export interface DraftScope {
  /** The definitions the package carries, each with the index of its entry in the draft's list. */
  included: Record<DefinitionKind, Map<string, number>>;
  /** The draft's replacements as written (a partial draft's list may have holes). */
  replacementList: ReferenceReplacement[];
  replacements: ReferenceReplacement[];
  /** The id a reference to `id` points at once the replacements are applied. */
  replaced(kind: DefinitionKind, id: string): string;
}

/**
 * The definitions a draft carries and how its replacements map references — the one rule that
 * local validation, remote validation (validate/remoteValidate.ts) and packing share. A replacement
 * of a listed definition ships its target instead (see package/pack.ts), so the target counts as
 * included when the workspace has it; its entry index is the source's. (A partial draft's lists
 * may have holes where entries failed the schema: indices stay the file's.)
 */
export function draftScope(ws: Workspace, draft: PackageDraftDocument): DraftScope {
  const included: Record<DefinitionKind, Map<string, number>> = { flow: new Map(), connection: new Map() };
  const listKey = { flow: 'flows', connection: 'connections' } as const;
  for (const kind of ['flow', 'connection'] as const) {
    (draft.definitions?.[listKey[kind]] ?? []).forEach((id, i) => {
      if (!included[kind].has(id)) included[kind].set(id, i);
    });
  }
  const replacementList: ReferenceReplacement[] = draft.replacements ?? [];
  const replacements = replacementList.filter((r): r is ReferenceReplacement => r !== undefined);
  for (const r of replacements) {
    const listed = included[r.kind].get(r.from);
    if (listed !== undefined && !included[r.kind].has(r.to) && ws.has(r.kind, r.to)) {
      included[r.kind].set(r.to, listed);
    }
  }
  const replaced = (kind: DefinitionKind, id: string): string => {
    const r = replacements.find((x) => x.kind === kind && x.from === id);
    return r ? r.to : id;
  };
  return { included, replacementList, replacements, replaced };
}

/**
 * Validates a package draft against the workspace (and, with `opts.remote`, against a gateway):
 * - a definition the draft names that does not exist → error (`unknown-definition`);
 * - a flow that an included flow runs (transitively) and that is not in the package → error
 *   (`missing-dependency`): the flows a package depends on cannot be left out;
 * - a connection an included flow uses that is not in the package → error (`missing-reference`):
 *   a package uses only its own connections (a gateway never lends one package's connection to
 *   another's flows, and its secrets are granted per package and connection);
 * - a replacement whose `from` is not referenced (`unused-replacement`) or whose `to` is unknown
 *   (`unknown-replacement-target`) → warning;
 * plus every problem of the draft file and of the included definitions' files.
 * References are checked after the draft's replacements are applied.
 */
export function validatePackage(ws: Workspace, draftName: string, opts: ValidatePackageOptions = {}): PackageValidation {
  const relPath = draftPath(draftName);
  const file = ws.file(relPath);
  if (!file || file.kind !== 'package') {
    return {
      ok: false,
      diagnostics: [{ severity: 'error', code: 'unknown-package', message: `there is no package draft '${draftName}' (expected ${relPath})` }],
      missing: [],
    };
  }
  const diagnostics: Diagnostic[] = [...file.diagnostics];
  // A draft that fails its schema is still checked, from the parts that parsed (partialDraft), so
  // that every problem of the file shows in one pass, not the rest only after the schema's are fixed.
  const draft: PackageDraftDocument | undefined = file.draft ?? partialDraft(file);
  if (!draft) return { ok: false, diagnostics, missing: [] };
  const remote = opts.remote;
  const at = (path: (string | number)[], part: 'key' | 'value' = 'value') => rangeIn(file, path, part);
  const report = (severity: Diagnostic['severity'], code: string, message: string, range: Range, data?: Diagnostic['data']) =>
    diagnostics.push({ severity, code, message, file: relPath, range, ...(data ? { data } : {}) });

  // 1. Entries: they must exist; no duplicates.
  const { included, replacementList, replaced } = draftScope(ws, draft);
  const listKey = { flow: 'flows', connection: 'connections' } as const;
  for (const kind of ['flow', 'connection'] as const) {
    const list = draft.definitions?.[listKey[kind]] ?? [];
    list.forEach((id, i) => {
      const path = ['definitions', listKey[kind], i];
      if (included[kind].get(id) !== i) {
        report('warning', 'duplicate-entry', `${kind} '${id}' is listed twice`, at(path), { path, part: 'value', kind, id });
        return;
      }
      if (!ws.has(kind, id)) {
        const near = closestMatch(id, ws.ids(kind));
        report(
          'error',
          'unknown-definition',
          `${kind} '${id}' does not exist in the workspace (expected ${definitionPath(kind, id)})${near ? `; did you mean '${near}'?` : ''}`,
          at(path),
          { path, part: 'value', kind, id },
        );
      }
    });
  }

  // 2. The included definitions' own problems.
  for (const kind of ['flow', 'connection'] as const) {
    for (const id of included[kind].keys()) {
      if (ws.has(kind, id)) diagnostics.push(...(opts.fileDiagnostics ?? ((p: string) => validateFile(ws, p)))(definitionPath(kind, id)));
    }
  }

  // 3. References, after replacements.
  const referencedIds = new Set<string>();
  const missing = new Map<string, MissingReference>();
  const addMissing = (kind: DefinitionKind, id: string, by: string) => {
    const key = `${kind}:${id}`;
    const m = missing.get(key) ?? { kind, id, referencedBy: [] };
    if (!m.referencedBy.includes(by)) m.referencedBy.push(by);
    missing.set(key, m);
  };
  const flowEntry = (id: string) => ['definitions', 'flows', included.flow.get(id)!];

  // Walk from each included flow; a flow that is missing is walked too, so every flow the
  // package needs is reported at once. `origin` is the included flow it was reached from.
  const reportedMissingFlow = new Set<string>();
  const reportedConnection = new Set<string>();
  const visited = new Set<string>();
  const queue: { id: string; origin: string }[] = [...included.flow.keys()].map((id) => ({ id, origin: id }));
  for (let qi = 0; qi < queue.length; qi++) {
    const { id, origin } = queue[qi];
    if (visited.has(id)) continue;
    visited.add(id);
    const inPackage = included.flow.has(id);
    for (const ref of referencesOfFlow(ws, id)) {
      referencedIds.add(`${ref.to.kind}:${ref.to.id}`);
      const target = replaced(ref.to.kind, ref.to.id);
      const via = target !== ref.to.id ? ` (replacing '${ref.to.id}')` : '';
      if (ref.to.kind === 'flow') {
        if (included.flow.has(target)) continue;
        addMissing('flow', target, id);
        if (!reportedMissingFlow.has(target)) {
          reportedMissingFlow.add(target);
          const exists = ws.has('flow', target);
          const chain = inPackage ? `flow '${id}' runs '${target}'${via}` : `flow '${origin}' needs '${target}'${via} (run by '${id}')`;
          report(
            'error',
            'missing-dependency',
            `${chain}, which is not in the package; add it: a package cannot leave out the flows its flows run` +
              (exists ? '' : ` (and '${target}' does not exist in the workspace)`),
            at(flowEntry(origin)),
            { path: flowEntry(origin), part: 'value', kind: 'flow', id: target },
          );
        }
        if (ws.has('flow', target)) queue.push({ id: target, origin });
      } else if (inPackage) {
        if (included.connection.has(target)) continue;
        addMissing('connection', target, id);
        const key = `${id}->${target}`;
        if (reportedConnection.has(key)) continue;
        reportedConnection.add(key);
        report(
          'error',
          'missing-reference',
          `flow '${id}' uses connection '${target}'${via}, which is not in the package; add it: a package uses only its own connections` +
            (ws.has('connection', target) ? '' : ` (and '${target}' does not exist in the workspace)`),
          at(flowEntry(id)),
          { path: flowEntry(id), part: 'value', kind: 'connection', id: target },
        );
      }
    }
  }

  // 4. Replacements.
  replacementList.forEach((r, i) => {
    if (!referencedIds.has(`${r.kind}:${r.from}`)) {
      report('warning', 'unused-replacement', `replacement of ${r.kind} '${r.from}': no flow in the package references it`, at(['replacements', i, 'from']), {
        path: ['replacements', i, 'from'],
        part: 'value',
        kind: r.kind,
        id: r.from,
      });
    }
    const known = included[r.kind].has(r.to) || ws.has(r.kind, r.to) || remote?.has(r.kind, r.to) === true;
    if (!known) {
      report(
        'warning',
        'unknown-replacement-target',
        `replacement target ${r.kind} '${r.to}' is neither in the package nor in the workspace${remote ? ' nor on the target gateway' : ''}`,
        at(['replacements', i, 'to']),
        { path: ['replacements', i, 'to'], part: 'value', kind: r.kind, id: r.to },
      );
    }
  });

  // 5. Schedules: see validate/schedules.ts.
  diagnostics.push(...draftScheduleDiagnostics(ws, draft.schedules, (id) => (included.flow.has(replaced('flow', id)) ? replaced('flow', id) : undefined), at, relPath));
  // 6. SNMP triggers: see validate/triggers.ts.
  diagnostics.push(...draftTriggerDiagnostics(ws, draft.triggers, (id) => (included.flow.has(replaced('flow', id)) ? replaced('flow', id) : undefined), at, relPath));

  return { ok: !diagnostics.some((d) => d.severity === 'error'), diagnostics, missing: [...missing.values()] };
}

