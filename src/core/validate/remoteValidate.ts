/**
 * Remote validation of a package draft (DESIGN.md "The package lifecycle"): every reference that
 * is neither in the package nor present on a chosen gateway, and every secret the package's
 * connections use that the gateway does not hold for them. The command line (`flowgate validate
 * --against`) and the VS Code extension (Validate Against Gateway…) both use this module:
 *
 *   1. `remoteValidationPlan(ws, draft)`: the RemoteValidateRequest — the references the draft's
 *      flows make, after the draft's replacements, to definitions it does not carry; and the secrets
 *      its connections name — with where each one is made (file and range of the step, or of the
 *      connection's `auth.secret`);
 *   2. the gateway answers (POST /api/v1/validate, `GatewayClient.remoteValidate`);
 *   3. `remoteDiagnostics(plan, answer)`: the answer as Diagnostics in local validation's format,
 *      and `mergeRemoteDiagnostics(local, plan, answer)`: local validation's diagnostics with the
 *      "not in the package" ones — which remote validation answers instead — replaced by these.
 *
 * `validateAgainstGateway` does all three with any `remoteValidate` function.
 */
import type { RemoteValidateRequest, RemoteValidateResponse } from '../api/types';
import { referencesOfFlow } from '../graph/references';
import { LIMITS } from '../limits';
import type { DefinitionKind } from '../model/definition';
import type { Diagnostic, Range } from '../model/diagnostic';
import { isPackageName } from '../model/packageDraft';
import { connectionPath, draftPath, flowPath } from '../workspace/layout';
import type { Workspace } from '../workspace/workspace';
import { draftScope, rangeIn, validatePackage } from './validate';

/** One place a draft's flow references a definition the package does not carry. */
export interface ReferenceSite {
  /** The referencing flow's file (workspace-relative). */
  file: string;
  range: Range;
  /** The flow that holds the reference. */
  from: string;
  /** The id as the flow writes it, when a replacement of the draft changes it. */
  replacing?: string;
}

/** One connection of the package and the secret it names. */
export interface SecretSite {
  connection: string;
  secret: string;
  file: string;
  range: Range;
}

export interface RemoteValidationPlan {
  draft: string;
  /** What to send to the gateway (undefined: nothing to ask, or the draft cannot be asked about). */
  request?: RemoteValidateRequest;
  /** `kind:id` of each outside reference → where the draft's flows make it. */
  references: Map<string, { kind: DefinitionKind; id: string; sites: ReferenceSite[] }>;
  secrets: SecretSite[];
  /** Problems that keep the draft from being asked about (a draft that is not schema-valid, too many references). */
  problems: Diagnostic[];
}

/** Codes of local validation that remote validation answers instead (a reference outside the package). */
const OUTSIDE_PACKAGE_CODES = new Set(['missing-dependency', 'missing-reference']);
/** Codes of local file validation for a reference the workspace lacks, answered remotely for outside references. */
const NOT_IN_WORKSPACE_CODES = new Set(['unknown-flow', 'unknown-connection']);

const key = (kind: string, id: string) => `${kind}:${id}`;

/**
 * The request a remote validation of `draftName` sends, and where each thing it asks about is
 * made in the workspace. A draft that does not pass its schema is not asked about (`problems`
 * says why; local validation reports its schema errors).
 */
export function remoteValidationPlan(ws: Workspace, draftName: string): RemoteValidationPlan {
  const plan: RemoteValidationPlan = { draft: draftName, references: new Map(), secrets: [], problems: [] };
  const relPath = draftPath(draftName);
  const entry = ws.drafts().get(draftName);
  if (!entry) {
    plan.problems.push({
      severity: 'error',
      code: 'remote-validate-skipped',
      message: ws.file(relPath)
        ? `package draft '${draftName}' has errors of its own; fix them before validating it against a gateway`
        : `there is no package draft '${draftName}' (expected ${relPath})`,
      ...(ws.file(relPath) ? { file: relPath, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } } : {}),
    });
    return plan;
  }
  const { included, replaced } = draftScope(ws, entry.draft);

  // References of the package's flows (after replacements) to definitions it does not carry.
  for (const flowId of included.flow.keys()) {
    const file = ws.file(flowPath(flowId));
    if (!file || file.kind !== 'flow') continue; // not in the workspace: local validation says so
    for (const ref of referencesOfFlow(ws, flowId)) {
      const target = replaced(ref.to.kind, ref.to.id);
      if (included[ref.to.kind].has(target)) continue;
      const k = key(ref.to.kind, target);
      const outside = plan.references.get(k) ?? { kind: ref.to.kind, id: target, sites: [] };
      outside.sites.push({ file: file.relPath, range: rangeIn(file, ref.path), from: flowId, ...(target !== ref.to.id ? { replacing: ref.to.id } : {}) });
      plan.references.set(k, outside);
    }
  }

  // Secrets the package's connections name (a listed connection replaced by one the package carries does not ship).
  for (const connectionId of included.connection.keys()) {
    const shipped = replaced('connection', connectionId);
    if (shipped !== connectionId && included.connection.has(shipped)) continue;
    const conn = ws.connections().get(connectionId);
    const auth = conn?.connection.auth;
    if (!conn || !auth || auth.type === 'none') continue;
    const file = ws.file(connectionPath(connectionId))!;
    plan.secrets.push({ connection: connectionId, secret: auth.secret, file: file.relPath, range: rangeIn(file, ['auth', 'secret']) });
  }

  const max = LIMITS.definitionsPerVersion;
  if (plan.references.size > max || plan.secrets.length > max) {
    plan.problems.push({
      severity: 'error',
      code: 'remote-validate-skipped',
      message: `package draft '${draftName}' references more than ${max} definitions or secrets outside itself, more than one remote validation asks about`,
      file: relPath,
      range: rangeIn(ws.file(relPath)!, ['definitions'], 'key'),
    });
    return plan;
  }
  plan.request = {
    references: [...plan.references.values()].map(({ kind, id }) => ({ kind, id })),
    ...(plan.secrets.length ? { secrets: plan.secrets.map(({ connection, secret }) => ({ connection, secret })) } : {}),
    ...(isPackageName(draftName) ? { package: draftName } : {}),
  };
  return plan;
}

/** The gateway's answer as Diagnostics, in local validation's format, at the referencing step or connection. */
export function remoteDiagnostics(plan: RemoteValidationPlan, answer: RemoteValidateResponse): Diagnostic[] {
  const gateway = answer.gateway;
  const out: Diagnostic[] = [];
  for (const m of answer.missing) {
    if (m.kind === 'secret') {
      for (const s of plan.secrets) {
        if (s.secret !== m.id || (m.connection !== undefined && m.connection !== s.connection)) continue;
        // A warning, as in an import's validation on the target (promotion/plan.ts): the secret can be set
        // after the version arrives; its flows fail until it is.
        out.push({
          severity: 'warning',
          code: 'missing-secret',
          message: `connection '${s.connection}' uses secret '${s.secret}', which gateway ${gateway} does not hold for connection '${s.connection}' of package '${plan.draft}'; set it there with \`flowgate secret set ${s.secret} --connection ${plan.draft}/${s.connection}\``,
          file: s.file,
          range: s.range,
        });
      }
      continue;
    }
    const ref = plan.references.get(key(m.kind, m.id));
    if (!ref) continue; // the gateway named something it was not asked about: nothing to place
    for (const site of ref.sites) {
      out.push({
        severity: 'error',
        code: 'missing-reference',
        message: `${m.kind} '${m.id}'${site.replacing ? ` (replacing '${site.replacing}')` : ''} is not in the package and not on gateway ${gateway}`,
        file: site.file,
        range: site.range,
      });
    }
  }
  return out;
}

/**
 * Local validation's diagnostics with those about references outside the package — which the
 * gateway answered — replaced by the gateway's answer: `missing-dependency` / `missing-reference`
 * of the draft, and `unknown-flow` / `unknown-connection` at a step that makes an outside reference.
 */
export function mergeRemoteDiagnostics(local: Diagnostic[], plan: RemoteValidationPlan, answer: RemoteValidateResponse): Diagnostic[] {
  const draftFile = draftPath(plan.draft);
  const sites = new Set<string>();
  for (const ref of plan.references.values()) for (const s of ref.sites) sites.add(`${s.file}\u0000${s.range.start.line}\u0000${s.range.start.character}`);
  const kept = local.filter((d) => {
    if (d.file === draftFile && OUTSIDE_PACKAGE_CODES.has(d.code)) return false;
    if (NOT_IN_WORKSPACE_CODES.has(d.code) && d.file && d.range && sites.has(`${d.file}\u0000${d.range.start.line}\u0000${d.range.start.character}`)) return false;
    return true;
  });
  return [...kept, ...remoteDiagnostics(plan, answer)];
}

export interface RemoteValidation {
  /** The gateway's name, as it answered (undefined when it was not asked). */
  gateway?: string;
  ok: boolean;
  diagnostics: Diagnostic[];
  /** What the gateway lacks, as it answered. */
  missing: RemoteValidateResponse['missing'];
}

/**
 * Validates a draft against a gateway: local package validation (the draft, its definitions' files),
 * with every reference outside the package checked on the gateway instead of in the package, and
 * every secret of its connections checked there. `ask` is `GatewayClient.remoteValidate` (its
 * errors — unreachable, refused — propagate).
 */
export async function validateAgainstGateway(
  ws: Workspace,
  draftName: string,
  ask: (request: RemoteValidateRequest) => Promise<RemoteValidateResponse>,
): Promise<RemoteValidation> {
  const plan = remoteValidationPlan(ws, draftName);
  if (!plan.request) {
    const diagnostics = [...validatePackage(ws, draftName).diagnostics, ...plan.problems];
    return { ok: !diagnostics.some((d) => d.severity === 'error'), diagnostics, missing: [] };
  }
  const answer = await ask(plan.request);
  // Replacement targets: one the gateway has is known (not `unknown-replacement-target`).
  const lacking = new Set(answer.missing.map((m) => key(m.kind, m.id)));
  const remote = { has: (kind: DefinitionKind, id: string) => plan.references.has(key(kind, id)) && !lacking.has(key(kind, id)) };
  const withRemote = validatePackage(ws, draftName, { remote }).diagnostics;
  const diagnostics = mergeRemoteDiagnostics(withRemote, plan, answer);
  return { gateway: answer.gateway, ok: !diagnostics.some((d) => d.severity === 'error'), diagnostics, missing: answer.missing };
}
