/** Locating a workspace and a package draft on disk for the commands that take paths. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { classifyPath } from '../core/workspace/layout';
import { directorySource, loadWorkspace, type Workspace } from '../core/workspace/workspace';
import { CliError } from './errors';

const WORKSPACE_FOLDERS = ['flows', 'connections', 'packages'];

export async function statOrUndefined(p: string) {
  try {
    return await fs.stat(p);
  } catch {
    return undefined;
  }
}

/** Throws a CliError unless `dir` holds at least one of flows/, connections/, packages/. */
export async function assertWorkspaceDir(dir: string): Promise<void> {
  for (const name of WORKSPACE_FOLDERS) {
    if ((await statOrUndefined(path.join(dir, name)))?.isDirectory()) return;
  }
  throw new CliError('not-a-workspace', `${dir} is not a Flowgate workspace (no flows/, connections/ or packages/ folder)`);
}

export interface DraftLocation {
  /** The workspace root: the folder holding `packages/`. */
  root: string;
  /** Workspace-relative path of the draft, `/`-separated. */
  relPath: string;
  /** The package name the file name gives. */
  name: string;
}

/** Finds the workspace that a `packages/<Name>.package.yaml` file belongs to. */
export async function locateDraft(draftPath: string): Promise<DraftLocation> {
  const abs = path.resolve(draftPath);
  const st = await statOrUndefined(abs);
  if (!st) throw new CliError('not-found', `${draftPath}: no such file`);
  if (!st.isFile()) throw new CliError('not-a-draft', `${draftPath} is not a file`);
  if (!abs.endsWith('.package.yaml')) {
    throw new CliError('not-a-draft', `${draftPath} is not a package draft (expected a <Name>.package.yaml file)`);
  }
  // The workspace root is the nearest ancestor whose `packages/` folder contains the draft.
  let dir = path.dirname(abs);
  while (true) {
    if (path.basename(dir) === 'packages') {
      const root = path.dirname(dir);
      const relPath = path.relative(root, abs).split(path.sep).join('/');
      const kind = classifyPath(relPath);
      if (kind?.kind === 'package') return { root, relPath, name: kind.name };
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new CliError(
    'not-in-workspace',
    `${draftPath} is not inside a workspace's packages/ folder (expected <workspace>/packages/<Name>.package.yaml)`,
  );
}

export async function openWorkspace(root: string): Promise<Workspace> {
  return loadWorkspace(directorySource(root));
}

/** The path to show a user for a workspace-relative file: relative to the current folder. */
export function displayPath(root: string, relPath: string, cwd = process.cwd()): string {
  const abs = path.join(root, ...relPath.split('/'));
  const rel = path.relative(cwd, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}
