import * as vscode from 'vscode';
import { GatewayError } from '../../core/client/gatewayClient';
import { draftPath } from '../../core/workspace/layout';
import { packOrReport, reportValidation } from '../packages/draftCommands';
import { resolveDraft } from '../packages/pickers';
import { config } from '../shared/config';
import { devGatewayUrl } from '../shared/devGateway';
import { errorText, notify, showLogAction } from '../shared/errors';
import { saveFlowgateDocuments, writeWorkspaceFile } from '../shared/files';
import { gatewayClient } from '../shared/gateway';
import type { Services } from '../shared/services';

export interface PublishResult {
  name: string;
  version: number;
  gatewayUrl: string;
  /** False when the same version with identical content was already there. */
  created: boolean;
}

/**
 * `flowgate.publishToDevGateway [draft]` — one click: validate, pack, make sure the dev gateway
 * is up (setting `flowgate.devGateway.url`, else the local emulator, started when needed),
 * upload, publish. Returns what was published; undefined when it stopped (validation errors,
 * version conflict), after telling the user why.
 */
export async function publishToDevGateway(s: Services, arg?: unknown): Promise<PublishResult | undefined> {
  const ws = await s.model.get();
  const name = await resolveDraft(s.model, ws, arg, 'Publish which package?');
  await saveFlowgateDocuments(s.model);

  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Flowgate: publishing ${name}`, cancellable: false },
    async (progress) => {
      progress.report({ message: 'validating…' });
      const validation = s.model.packageValidation(ws, name);
      if (!validation.ok) {
        s.diagnostics.showPackage(ws, name);
        reportValidation(s, name, validation.diagnostics);
        s.log.warn(`Publish ${name}: stopped, the package has errors`);
        return undefined;
      }

      progress.report({ message: 'packing…' });
      const packed = await packOrReport(s, ws, name);
      if (!packed) return undefined;
      const version = packed.manifest.version;

      progress.report({ message: config.devGatewayUrl() ? 'connecting to the dev gateway…' : 'starting the local gateway…' });
      const url = await devGatewayUrl(s);
      const gw = gatewayClient(url, 'upload');
      try {
        await gatewayClient(url, 'reachable').health();
      } catch (err) {
        throw new Error(`the dev gateway ${url} does not answer (${errorText(err)}); check the setting "flowgate.devGateway.url"`);
      }

      progress.report({ message: `uploading ${name} ${version} to ${url}…` });
      let created: boolean;
      try {
        created = (await gw.uploadPackage(packed.bytes)).created;
      } catch (err) {
        if (err instanceof GatewayError && (err.status === 409 || err.code === 'version-conflict')) {
          await offerVersionBump(s, name, version, url);
          return undefined;
        }
        throw new Error(`could not upload ${name} ${version} to ${url}: ${errorText(err)}`);
      }
      s.log.info(`Uploaded ${name} ${version} to ${url}${created ? '' : ' (identical version already there)'}`);

      progress.report({ message: `publishing ${name} ${version}…` });
      try {
        await gw.publish(name, version);
      } catch (err) {
        throw new Error(`uploaded ${name} ${version} to ${url} but could not publish it: ${errorText(err)}`);
      }
      s.log.info(`Published ${name} ${version} on ${url}`);
      s.refreshGateways();
      notify(
        'info',
        `Published ${name} ${version} to ${url}${created ? '' : ' (this version was already uploaded, unchanged)'}.`,
        { title: 'Run Flow', run: () => vscode.commands.executeCommand('flowgate.runFlow', { packageName: name, version }) },
        showLogAction(s.log),
      );
      return { name, version, gatewayUrl: url, created };
    },
  );
}

/** 409: versions are immutable. Offers to set the draft's `version` past the gateway's highest. */
async function offerVersionBump(s: Services, name: string, version: number, url: string): Promise<void> {
  let next = version + 1;
  try {
    const pkg = await gatewayClient(url, 'action').getPackage(name);
    next = Math.max(next, ...pkg.versions.map((v) => v.version + 1));
  } catch {
    /* keep version + 1 */
  }
  s.log.warn(`Publish ${name}: version ${version} already exists on ${url} with different content (409)`);
  notify(
    'error',
    `Flowgate: ${name} version ${version} already exists on ${url} with different content. Package versions are immutable: bump "version" in the draft to publish your changes.`,
    {
      title: `Bump to Version ${next}`,
      run: () =>
        bumpVersion(s, name, next).then(
          () => notify('info', `${name}: version set to ${next}. Publish again to upload it.`, {
            title: 'Publish',
            run: () => vscode.commands.executeCommand('flowgate.publishToDevGateway', name),
          }),
          (err) => notify('error', `Flowgate: could not change the version of ${name}: ${errorText(err)}`),
        ),
    },
  );
}

/** Sets `version:` of a draft in place (keeps comments and layout). */
export async function bumpVersion(s: Services, name: string, next: number): Promise<void> {
  const ws = await s.model.get();
  const rel = draftPath(name);
  const file = ws.file(rel);
  if (!file) throw new Error(`${rel} is not in the workspace`);
  const range = file.yaml.rangeOf(['version'], 'value');
  if (!range) throw new Error(`${rel} has no "version"`);
  const lines = file.text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const text = file.text.slice(0, offset(range.start)) + String(next) + file.text.slice(offset(range.end));
  await writeWorkspaceFile(s.model, rel, text);
  s.log.info(`${name}: version set to ${next}`);
}
