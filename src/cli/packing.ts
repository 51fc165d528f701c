/** Packing a draft from disk: shared by `pack`, `publish` and `emulator --publish`. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { PackageManifest } from '../core/model/manifest';
import { packDraft } from '../core/package/pack';
import type { Workspace } from '../core/workspace/workspace';
import { CliError } from './errors';
import { CREATED_BY } from './version';
import { locateDraft, openWorkspace } from './workspace';

export interface PackedDraft {
  root: string;
  draftRelPath: string;
  bytes: Uint8Array;
  manifest: PackageManifest;
  fileName: string;
}

/** Packs the draft in an already loaded workspace (throws PackageValidationError on errors). */
export async function packLoadedDraft(ws: Workspace, root: string, name: string): Promise<PackedDraft> {
  const entry = ws.drafts().get(name);
  if (!entry) {
    throw new CliError('invalid-draft', `package draft '${name}' does not parse; run \`flowgate validate\` to see why`);
  }
  const { bytes, manifest, fileName } = await packDraft(ws, name, { createdBy: CREATED_BY });
  return { root, draftRelPath: entry.relPath, bytes, manifest, fileName };
}

/** Finds the draft's workspace, loads it and packs the draft. */
export async function packDraftFile(draftPath: string): Promise<PackedDraft> {
  const loc = await locateDraft(draftPath);
  const ws = await openWorkspace(loc.root);
  return packLoadedDraft(ws, loc.root, loc.name);
}

/** Writes a file atomically: a temporary file in the same folder, then a rename over the target. */
export async function writeFileAtomic(target: string, bytes: Uint8Array): Promise<void> {
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await fs.writeFile(tmp, bytes, { flag: 'wx' });
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
