/**
 * So an empty folder is not a dead end: Create Sample Workspace (the sample flows, connection and
 * package draft the extension ships in `examples/`, copied into the open folder without ever
 * overwriting a file) and New Flow (a flow from core's template, its folder and name checked by
 * core's rule). Both need an open folder; without one they say so and offer Open Folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { newFlowId, newFlowPath, newFlowProblems, newFlowText } from '../../core/workspace/newFlow';
import { FLOWS_DIR } from '../../core/workspace/layout';
import { asRecord } from '../gateways/nodes';
import { Cancelled, notify } from '../shared/errors';
import type { Services } from '../shared/services';

/** At most this many sample files are copied (the shipped sample has a handful; a bound against a damaged install). */
const MAX_SAMPLE_FILES = 200;
const MAX_SAMPLE_BYTES = 1024 * 1024;

function rootOrOffer(s: Services): vscode.Uri {
  const root = s.model.rootUri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  if (root) return root;
  notify('info', 'Flowgate: open a folder first — flows, connections and package drafts are files in it.', {
    title: 'Open Folder',
    run: () => vscode.commands.executeCommand('workbench.action.files.openFolder'),
  });
  throw new Cancelled();
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The sample's files, relative and `/`-separated (regular files only, no links, bounded). */
export function sampleFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.push(r);
      if (out.length > MAX_SAMPLE_FILES) throw new Error(`the sample in ${dir} has more than ${MAX_SAMPLE_FILES} files`);
    }
  };
  walk('');
  return out.sort();
}

export interface SampleResult {
  created: string[];
  skipped: string[];
}

/**
 * `flowgate.createSampleWorkspace` — copies the sample (flows/, connections/, packages/) into the
 * open folder. A file that exists already is never overwritten: it is skipped and named. Opens the
 * sample's package draft. Answers what was created and what skipped.
 */
export async function createSampleWorkspace(s: Services): Promise<SampleResult> {
  const root = rootOrOffer(s);
  const sample = s.context.asAbsolutePath('examples');
  if (!fs.existsSync(sample)) throw new Error(`the sample workspace is missing from the extension (${sample})`);
  const files = sampleFiles(sample);
  const result: SampleResult = { created: [], skipped: [] };
  for (const rel of files) {
    const target = vscode.Uri.joinPath(root, ...rel.split('/'));
    if (await exists(target)) {
      result.skipped.push(rel);
      continue;
    }
    const bytes = await fs.promises.readFile(path.join(sample, ...rel.split('/')));
    if (bytes.byteLength > MAX_SAMPLE_BYTES) throw new Error(`the sample file ${rel} is larger than ${MAX_SAMPLE_BYTES} bytes`);
    await vscode.workspace.fs.writeFile(target, bytes);
    result.created.push(rel);
  }
  s.log.info(`Create Sample Workspace in ${root.fsPath}: created ${result.created.join(', ') || 'nothing'}; skipped (already there) ${result.skipped.join(', ') || 'nothing'}`);
  await s.model.reload();
  s.refreshPackages();
  const skipped = result.skipped.length
    ? ` Skipped ${result.skipped.length} file${result.skipped.length === 1 ? '' : 's'} that already existed (not overwritten): ${result.skipped.slice(0, 5).join(', ')}${result.skipped.length > 5 ? ', …' : ''}.`
    : '';
  const draft = result.created.find((f) => f.endsWith('.package.yaml')) ?? files.find((f) => f.endsWith('.package.yaml'));
  notify(
    result.created.length ? 'info' : 'warning',
    `Flowgate: ${result.created.length ? `created ${result.created.length} sample file${result.created.length === 1 ? '' : 's'} (flows, a connection and the package draft)` : 'created no file'}.${skipped}`,
    ...(draft ? [{ title: 'Open Package Draft', run: () => vscode.window.showTextDocument(vscode.Uri.joinPath(root, ...draft.split('/'))) }] : []),
  );
  return result;
}

/** The folder of the active editor's flow (`network/core`), to start New Flow there. */
function activeFlowFolder(s: Services): string {
  const doc = vscode.window.activeTextEditor?.document;
  const rel = doc ? s.model.relPath(doc.uri) : undefined;
  if (!rel || !rel.startsWith(`${FLOWS_DIR}/`)) return '';
  const id = rel.slice(FLOWS_DIR.length + 1);
  const i = id.lastIndexOf('/');
  return i < 0 ? '' : id.slice(0, i);
}

/** `flows/a/b` (a folder Uri) → `a/b`; `flows` → ''; a folder elsewhere → undefined. */
function folderUnderFlows(s: Services, uri: vscode.Uri): string | undefined {
  const root = s.model.rootUri;
  if (!root || root.scheme !== uri.scheme) return undefined;
  const rel = path.relative(root.fsPath, uri.fsPath).split(path.sep).join('/');
  if (rel === FLOWS_DIR) return '';
  return rel?.startsWith(`${FLOWS_DIR}/`) ? rel.slice(FLOWS_DIR.length + 1) : undefined;
}

/**
 * `flowgate.newFlow [{ folder, name, open? } | folderUri]` — asks the folder (under flows/) and the name, both
 * checked by core's rule as you type; writes `flows/<folder>/<Name>.flow.yaml` from the template
 * (refusing an existing file) and opens it. Answers the new file's URI.
 */
export async function newFlow(s: Services, arg?: unknown): Promise<vscode.Uri> {
  const root = rootOrOffer(s);
  // From the Explorer's context menu: a folder (under flows/, its folder is the default).
  const fromExplorer = arg instanceof vscode.Uri ? folderUnderFlows(s, arg) : undefined;
  if (arg instanceof vscode.Uri) arg = undefined;
  const a = asRecord(arg);
  if (arg !== undefined && (!a || typeof a.name !== 'string' || (a.folder !== undefined && typeof a.folder !== 'string'))) {
    throw new Error('the argument must be { folder?, name, open? }');
  }
  let folder = typeof a?.folder === 'string' ? a.folder : undefined;
  let name = typeof a?.name === 'string' ? a.name : undefined;
  const taken = (f: string, n: string) => exists(vscode.Uri.joinPath(root, ...newFlowPath(f, n).split('/')));
  if (name === undefined) {
    folder = await vscode.window.showInputBox({
      title: 'New Flow (1/2): folder',
      prompt: 'The folder under flows/ (e.g. network/core); empty for flows/ itself',
      value: fromExplorer ?? activeFlowFolder(s),
      ignoreFocusOut: true,
      validateInput: (v) => newFlowProblems(v, 'Name').find((p) => p.field === 'folder')?.message,
    });
    if (folder === undefined) throw new Cancelled();
    const f = folder;
    name = await vscode.window.showInputBox({
      title: 'New Flow (2/2): name',
      prompt: `The flow's name: flows/${f ? `${f.trim().replace(/^\/+|\/+$/g, '')}/` : ''}<Name>.flow.yaml`,
      placeHolder: 'Check-Link',
      ignoreFocusOut: true,
      validateInput: async (v) => newFlowProblems(f, v)[0]?.message ?? ((await taken(f, v)) ? `${newFlowPath(f, v)} already exists` : undefined),
    });
    if (name === undefined) throw new Cancelled();
  }
  folder ??= '';
  const problems = newFlowProblems(folder, name);
  if (problems.length) throw new Error(`the flow was not created: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  const rel = newFlowPath(folder, name);
  const uri = vscode.Uri.joinPath(root, ...rel.split('/'));
  if (await exists(uri)) throw new Error(`${rel} already exists; choose another name`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(newFlowText(name)));
  s.log.info(`New Flow: wrote ${rel}`);
  if (a?.open !== false) await vscode.window.showTextDocument(uri);
  notify('info', `Flowgate: created the flow ${newFlowId(folder, name)} (${rel}). Add it to a package to publish it.`, {
    title: 'Add to Package',
    run: () => vscode.commands.executeCommand('flowgate.addFlowToPackage', uri),
  });
  return uri;
}
