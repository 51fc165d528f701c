/**
 * Typed guards for the command arguments that name something on a gateway: the Gateways view's
 * nodes (what VS Code passes to a command run from the view) and the plain references the
 * extension itself and scripts pass (`{ gatewayUrl, packageName, version }`). A command handler
 * checks its argument with one of these instead of casting it, so an argument of another kind
 * (a palette run with none, a node of the other view, a half-built object) reaches its picker or
 * its clear message, never a property of `undefined`.
 */
import { LIMITS } from '../../core/limits';
import type { ImportSummary, PackageStatus } from '../../core/api/types';
import type { GatewayFlowNode, GatewayImportNode, GatewayNode, GatewayPackageNode, GatewayVersionNode } from './gatewaysTree';

/** The `contextValue`s of the Gateways view's items (the manifest's `viewItem` clauses name these). */
export const GATEWAY_CONTEXT = {
  localRunning: 'flowgate.localGateway.running',
  localStopped: 'flowgate.localGateway.stopped',
  remote: 'flowgate.gateway',
  package: 'flowgate.gatewayPackage',
  versionPublished: 'flowgate.gatewayVersion.published',
  versionUnpublished: 'flowgate.gatewayVersion.unpublished',
  flow: 'flowgate.gatewayFlow',
  /** The Imports node of a gateway that pulls from sources (or has imports). */
  imports: 'flowgate.gatewayImports',
  importOpen: 'flowgate.gatewayImport.open',
  importApplied: 'flowgate.gatewayImport.applied',
  importRejected: 'flowgate.gatewayImport.rejected',
  error: 'flowgate.gatewayError',
  message: 'flowgate.gatewayMessage',
} as const;

/** The lifecycle statuses a version shows as its badge (the second part of its contextValue). */
export const VERSION_STATUSES = ['OPEN', 'SUBMITTED', 'ACCEPTED', 'APPLIED', 'PROMOTED', 'REJECTED'] as const satisfies readonly PackageStatus[];

/**
 * A version node's contextValue: `flowgate.gatewayVersion.<published|unpublished>.<status>`
 * (status in lower case), so menus can key on both: `=~ /^flowgate\.gatewayVersion\.published\./`,
 * `=~ /\.submitted$/`.
 */
export function versionContext(published: boolean, status: string): string {
  // A status the gateway made up (not one of VERSION_STATUSES) keys no status menu.
  const known = (VERSION_STATUSES as readonly string[]).includes(status) ? status.toLowerCase() : 'unknown';
  return `${published ? GATEWAY_CONTEXT.versionPublished : GATEWAY_CONTEXT.versionUnpublished}.${known}`;
}

/** Every contextValue the Gateways view's items can carry (the manifest test matches menus against these). */
export const GATEWAY_CONTEXT_VALUES: string[] = [
  ...Object.values(GATEWAY_CONTEXT).filter((v) => v !== GATEWAY_CONTEXT.versionPublished && v !== GATEWAY_CONTEXT.versionUnpublished),
  ...[...VERSION_STATUSES, 'UNKNOWN'].flatMap((status) => [versionContext(true, status), versionContext(false, status)]),
];

type Obj = Record<string, unknown>;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** A gateway's text for one line of a tree row or tooltip: control characters out, at most 300 characters. */
export function oneLine(v: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = v.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return clean.length > 300 ? `${clean.slice(0, 299)}…` : clean;
}

/** An import entry as the documented shape has it (an id a route can carry, a known status, texts where texts go). */
export function isImportSummary(v: unknown): v is ImportSummary {
  if (!isRecord(v)) return false;
  return (
    typeof v.id === 'string' &&
    /^[A-Za-z0-9_-]{1,64}$/.test(v.id) &&
    typeof v.name === 'string' &&
    v.name.length <= 256 &&
    typeof v.version === 'number' &&
    Number.isInteger(v.version) &&
    (v.status === 'OPEN' || v.status === 'APPLIED' || v.status === 'REJECTED') &&
    typeof v.source === 'string' &&
    v.source.length <= 256 &&
    typeof v.pulledAt === 'string' &&
    typeof v.pulledBy === 'string' &&
    typeof v.signer === 'string' &&
    typeof v.sourceNotified === 'boolean'
  );
}


/** A plain object (not an array, not null), else undefined. */
export function asRecord(arg: unknown): Obj | undefined {
  return arg && typeof arg === 'object' && !Array.isArray(arg) ? (arg as Obj) : undefined;
}

function isText(v: unknown, max: number = LIMITS.urlLength): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= max;
}

function isVersionNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= LIMITS.maxVersion;
}

export function isGatewayNode(arg: unknown): arg is GatewayNode {
  const a = asRecord(arg);
  return !!a && a.type === 'gateway' && isText(a.url) && typeof a.name === 'string' && typeof a.local === 'boolean';
}

export function isGatewayPackageNode(arg: unknown): arg is GatewayPackageNode {
  const a = asRecord(arg);
  const summary = asRecord(a?.summary);
  return !!a && a.type === 'gatewayPackage' && isText(a.gatewayUrl) && !!summary && isText(summary.name, LIMITS.nameLength) && Array.isArray(summary.versions);
}

export function isGatewayVersionNode(arg: unknown): arg is GatewayVersionNode {
  const a = asRecord(arg);
  const summary = asRecord(a?.summary);
  return !!a && a.type === 'gatewayVersion' && isText(a.gatewayUrl) && isText(a.packageName, LIMITS.nameLength) && !!summary && isVersionNumber(summary.version);
}

export function isGatewayFlowNode(arg: unknown): arg is GatewayFlowNode {
  const a = asRecord(arg);
  const flow = asRecord(a?.flow);
  return (
    !!a &&
    a.type === 'gatewayFlow' &&
    isText(a.gatewayUrl) &&
    isText(a.packageName, LIMITS.nameLength) &&
    isVersionNumber(a.version) &&
    !!flow &&
    isText(flow.id, LIMITS.definitionIdLength) &&
    (flow.inputs === undefined || !!asRecord(flow.inputs))
  );
}

export function isGatewayImportNode(arg: unknown): arg is GatewayImportNode {
  const a = asRecord(arg);
  const summary = asRecord(a?.summary);
  return (
    !!a &&
    a.type === 'gatewayImport' &&
    isText(a.gatewayUrl) &&
    !!summary &&
    typeof summary.id === 'string' &&
    /^[A-Za-z0-9_-]{1,64}$/.test(summary.id) &&
    (a.importId === undefined || a.importId === summary.id) &&
    typeof summary.status === 'string'
  );
}

/** `{ gatewayUrl, importId }`: an import of a target gateway named by a script or another command. */
export function isImportRef(arg: unknown): arg is { gatewayUrl: string; importId: string } {
  const a = asRecord(arg);
  return !!a && isText(a.gatewayUrl) && typeof a.importId === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(a.importId);
}

/** `{ gatewayUrl }` (also any node or reference that carries one). */
export function gatewayUrlOf(arg: unknown): string | undefined {
  const a = asRecord(arg);
  return a && isText(a.gatewayUrl) ? a.gatewayUrl : undefined;
}

/** `{ packageName }` with an optional `{ gatewayUrl }`. */
export function isPackageRef(arg: unknown): arg is { gatewayUrl?: string; packageName: string } {
  const a = asRecord(arg);
  return !!a && isText(a.packageName, LIMITS.nameLength) && (a.gatewayUrl === undefined || isText(a.gatewayUrl));
}

/** `{ packageName, version }` with an optional `{ gatewayUrl }`. */
export function isVersionRef(arg: unknown): arg is { gatewayUrl?: string; packageName: string; version: number } {
  return isPackageRef(arg) && isVersionNumber((arg as Obj).version);
}

/** What kind of argument this is, for a message saying what a command cannot use. */
export function describeArg(arg: unknown): string {
  if (arg === undefined || arg === null) return 'nothing';
  const a = asRecord(arg);
  if (a && typeof a.type === 'string') return `a ${a.type.slice(0, 40)} item`;
  if (Array.isArray(arg)) return 'a list';
  return `a ${typeof arg}`;
}
