/**
 * Draft runs: the files a draft run of one workspace flow needs (the extension sends them), and
 * the gateway's check of what it receives (`POST /api/v1/draft-runs`). One rule on both sides:
 * the flow, every flow it runs (transitively) and the connections those flows use — parsed and
 * validated by core's workspace and validator, exactly as VS Code shows them.
 */
import { LIMITS } from '../limits';
import type { ConnectionDefinition } from '../model/connection';
import type { FlowDefinition } from '../model/flow';
import { findFlow } from '../model/flowLookup';
import { connectionsUsedBy, flowClosure, referencesOfFlow } from '../graph/references';
import { validateFile } from '../validate/validate';
import { classifyPath, connectionPath, flowPath, ID_SEGMENT_PATTERN, normalizeRelPath } from '../workspace/layout';
import { isPackageName } from '../model/packageDraft';
import { Workspace } from '../workspace/workspace';

/** A problem with the request, naming the field (`files["flows/X.flow.yaml"]`, `flow`). */
export interface DraftRunProblem {
  field: string;
  message: string;
}

/** The package draft that holds a flow: its name and the version it would publish next. */
export interface DraftPackage {
  name: string;
  version: number;
}

export type DraftRunCheck =
  | {
      ok: true;
      /** The flow to run (full id). */
      flow: FlowDefinition;
      /** The flow and every flow it runs, by id. */
      flows: Map<string, FlowDefinition>;
      /** The connections those flows use, by name. */
      connections: Map<string, ConnectionDefinition>;
      /** The first package draft (by name) among the files that lists the flow, if any. */
      package?: DraftPackage;
    }
  | { ok: false; code: 'bad-request' | 'validation-failed' | 'flow-not-found' | 'ambiguous-flow'; message: string; problems: DraftRunProblem[] };

const fileField = (p: string) => `files[${JSON.stringify(p)}]`;

/** Most problems one answer lists (the rest are counted in the message). */
const MAX_PROBLEMS = 100;

/**
 * Checks a draft run's files and finds the flow: paths (Flowgate file paths, normalised, bounded),
 * count and size (LIMITS.draftRunFiles, draftRunBytes, draftRunPathLength), then the flow, its
 * closure and its connections with no error-severity diagnostic. Never throws on hostile input.
 */
export function checkDraftRun(files: Record<string, unknown>, flowRef: string): DraftRunCheck {
  const paths = Object.keys(files);
  if (paths.length === 0) return refuse('bad-request', 'files is empty: send the flow file and what it needs', [{ field: 'files', message: 'no files' }]);
  if (paths.length > LIMITS.draftRunFiles) {
    return refuse('bad-request', `files holds ${paths.length} files; at most ${LIMITS.draftRunFiles}`, [{ field: 'files', message: `at most ${LIMITS.draftRunFiles} files` }]);
  }
  const problems: DraftRunProblem[] = [];
  let total = 0;
  for (const p of paths) {
    const text = files[p];
    if (typeof text !== 'string') {
      problems.push({ field: fileField(p.slice(0, LIMITS.draftRunPathLength)), message: 'the file text must be a string' });
      continue;
    }
    total += text.length;
    if (p.length > LIMITS.draftRunPathLength) problems.push({ field: 'files', message: `a path is longer than ${LIMITS.draftRunPathLength} characters` });
    else if (normalizeRelPath(p) !== p || !nameOk(p)) {
      problems.push({ field: fileField(p), message: 'not a workspace path of a flow (flows/…/X.flow.yaml), connection (connections/X.connection.yaml) or package draft (packages/X.package.yaml) with names of letters, digits, ".", "-" and "_"' });
    }
  }
  if (total > LIMITS.draftRunBytes) {
    return refuse('bad-request', `the files hold ${total} characters in all; at most ${LIMITS.draftRunBytes}`, [{ field: 'files', message: `at most ${LIMITS.draftRunBytes} characters in all` }]);
  }
  if (problems.length) return refuse('bad-request', `files: ${problems[0].message}`, problems);

  // Only what the run needs is parsed: the flow, the flows it reaches, their connections, and the
  // package drafts (to find the one that lists the flow). Other files cost nothing.
  const ws = new Workspace();
  const flowPaths = new Map<string, string>();
  for (const p of paths) {
    const where = classifyPath(p)!;
    if (where.kind === 'flow') flowPaths.set(where.id, p);
    else if (where.kind === 'package') ws.setFile(p, files[p] as string);
  }
  const ids = [...flowPaths.keys()].map((id) => ({ id }));
  const found = findFlow(ids, flowRef, 'the files sent');
  if (!found.ok) {
    return found.code === 'ambiguous-flow'
      ? refuse('ambiguous-flow', found.message, found.candidates.map((c) => ({ field: 'flow', message: c })))
      : refuse('flow-not-found', found.message, [{ field: 'flow', message: 'not among the files' }]);
  }
  const id = found.flow.id;
  const queue = [id];
  const seen = new Set(queue);
  ws.setFile(flowPaths.get(id)!, files[flowPaths.get(id)!] as string);
  for (let i = 0; i < queue.length; i++) {
    for (const ref of referencesOfFlow(ws, queue[i])) {
      if (ref.to.kind === 'flow') {
        const p = flowPaths.get(ref.to.id);
        if (p === undefined || seen.has(ref.to.id)) continue;
        seen.add(ref.to.id);
        queue.push(ref.to.id);
        ws.setFile(p, files[p] as string);
      } else {
        const p = connectionPath(ref.to.id);
        if (typeof files[p] === 'string' && !ws.file(p)) ws.setFile(p, files[p] as string);
      }
    }
  }
  const needed = flowClosure(ws, [id]);
  const connections = connectionsUsedBy(ws, needed).filter((c) => ws.has('connection', c));
  const checked = [...needed.map(flowPath), ...connections.map(connectionPath)];
  for (const p of checked) {
    for (const d of validateFile(ws, p)) {
      if (d.severity !== 'error') continue;
      const line = d.range ? `line ${d.range.start.line + 1}: ` : '';
      problems.push({ field: fileField(d.file ?? p), message: `${line}${d.message}` });
    }
  }
  if (problems.length) {
    const shown = problems.slice(0, MAX_PROBLEMS);
    const more = problems.length - shown.length;
    return refuse(
      'validation-failed',
      `${id} cannot run as it is: ${problems.length} error${problems.length === 1 ? '' : 's'} in ${[...new Set(problems.map((x) => x.field))].join(', ')}${more ? ` (${more} more not listed)` : ''} — first: ${problems[0].message}`,
      shown,
    );
  }
  const flows = new Map<string, FlowDefinition>();
  for (const f of needed) {
    const def = ws.flows().get(f);
    if (def) flows.set(f, def);
  }
  const conns = new Map<string, ConnectionDefinition>();
  for (const c of connections) {
    const def = ws.connections().get(c);
    if (def) conns.set(c, def);
  }
  const pkg = [...ws.drafts().values()]
    .map((d) => d.draft)
    .filter((d) => (d.definitions?.flows ?? []).includes(id))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0];
  return { ok: true, flow: flows.get(id)!, flows, connections: conns, ...(pkg ? { package: { name: pkg.name, version: pkg.version } } : {}) };
}

/** A Flowgate file path whose flow id segments, connection name or package name are valid names. */
function nameOk(p: string): boolean {
  const where = classifyPath(p);
  if (!where) return false;
  if (where.kind === 'package') return isPackageName(where.name);
  return where.id.split('/').every((s) => ID_SEGMENT_PATTERN.test(s));
}

function refuse(code: Extract<DraftRunCheck, { ok: false }>['code'], message: string, problems: DraftRunProblem[]): DraftRunCheck {
  return { ok: false, code, message, problems: problems.slice(0, MAX_PROBLEMS) };
}

/**
 * The workspace files a draft run of `flowId` sends: the flow, the flows it runs, the connections
 * they use, and the package drafts that list the flow (so the run is labelled with that package
 * and its secrets resolve as they would for it). Paths, sorted.
 */
export function draftRunPaths(ws: Workspace, flowId: string): string[] {
  const flows = flowClosure(ws, [flowId]).filter((f) => ws.has('flow', f));
  const connections = connectionsUsedBy(ws, flows).filter((c) => ws.has('connection', c));
  const drafts = [...ws.drafts().values()].filter((d) => (d.draft.definitions?.flows ?? []).includes(flowId)).map((d) => d.relPath);
  return [...flows.map(flowPath), ...connections.map(connectionPath), ...drafts].sort();
}
