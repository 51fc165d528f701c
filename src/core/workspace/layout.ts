/**
 * Where each kind of file lives in a workspace, and the inverse. Paths are workspace-relative and
 * `/`-separated:
 *   flows/<folders>/<Name>.flow.yaml         flow `<folders>/<Name>`
 *   connections/<Name>.connection.yaml       connection `<Name>`
 *   packages/<Name>.package.yaml             package draft `<Name>`
 */

export const FLOWS_DIR = 'flows';
export const CONNECTIONS_DIR = 'connections';
export const PACKAGES_DIR = 'packages';
export const FLOW_SUFFIX = '.flow.yaml';
export const CONNECTION_SUFFIX = '.connection.yaml';
export const PACKAGE_SUFFIX = '.package.yaml';

/** Characters allowed in each segment of a flow id and in a connection name. */
export const ID_SEGMENT_PATTERN = /^[A-Za-z0-9_.-]+$/;

export type FileKind = 'flow' | 'connection' | 'package';

export type ClassifiedPath =
  | { kind: 'flow'; id: string }
  | { kind: 'connection'; id: string }
  | { kind: 'package'; name: string };

/** What a workspace-relative path holds, or undefined when it is not a Flowgate file. */
export function classifyPath(relPath: string): ClassifiedPath | undefined {
  const p = normalizeRelPath(relPath);
  const parts = p.split('/');
  if (parts.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  if (parts[0] === FLOWS_DIR && parts.length >= 2 && p.endsWith(FLOW_SUFFIX)) {
    const id = p.slice(FLOWS_DIR.length + 1, -FLOW_SUFFIX.length);
    if (!id || id.endsWith('/')) return undefined;
    return { kind: 'flow', id };
  }
  if (parts[0] === CONNECTIONS_DIR && parts.length === 2 && p.endsWith(CONNECTION_SUFFIX)) {
    const id = parts[1].slice(0, -CONNECTION_SUFFIX.length);
    return id ? { kind: 'connection', id } : undefined;
  }
  if (parts[0] === PACKAGES_DIR && parts.length === 2 && p.endsWith(PACKAGE_SUFFIX)) {
    const name = parts[1].slice(0, -PACKAGE_SUFFIX.length);
    return name ? { kind: 'package', name } : undefined;
  }
  return undefined;
}

export function flowPath(id: string): string {
  return `${FLOWS_DIR}/${id}${FLOW_SUFFIX}`;
}

export function connectionPath(id: string): string {
  return `${CONNECTIONS_DIR}/${id}${CONNECTION_SUFFIX}`;
}

export function draftPath(name: string): string {
  return `${PACKAGES_DIR}/${name}${PACKAGE_SUFFIX}`;
}

/** `flow` → flowPath, `connection` → connectionPath. */
export function definitionPath(kind: 'flow' | 'connection', id: string): string {
  return kind === 'flow' ? flowPath(id) : connectionPath(id);
}

/** Backslashes to `/`, no leading `./` or `/`. */
export function normalizeRelPath(relPath: string): string {
  return relPath.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

/** `a/b/X` → { folder: 'a/b', name: 'X' }. */
export function splitId(id: string): { folder: string; name: string } {
  const i = id.lastIndexOf('/');
  return i < 0 ? { folder: '', name: id } : { folder: id.slice(0, i), name: id.slice(i + 1) };
}
