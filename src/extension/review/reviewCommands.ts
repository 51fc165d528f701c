import * as vscode from 'vscode';
import type { ImportSummary } from '../../core/api/types';
import { isJsonObject } from '../../core/model/jsonObject';
import type { ReviewScope } from '../../../webview/protocol/review';
import { gatewayName, resolveGateway, type GatewayTarget } from '../gatewayActions/targets';
import { Cancelled, errorText, notify } from '../shared/errors';
import { gatewayClient } from '../shared/gateway';
import type { Services } from '../shared/services';
import { reviewKey, type ReviewPanels } from './reviewPanel';

/** What `flowgate.reviewImport` answers (tests use it): the panel's scope and its key. */
export interface ShownReview {
  key: string;
  scope: ReviewScope;
}

const IMPORT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** `{ gatewayUrl, importId }` (what the Gateways view's Imports node passes), checked. */
function importRef(arg: unknown): { gatewayUrl: string; importId: string } | undefined {
  if (!isJsonObject(arg) || typeof arg.gatewayUrl !== 'string' || !('importId' in arg)) return undefined;
  if (typeof arg.importId !== 'string' || !IMPORT_ID.test(arg.importId)) {
    throw new Error(`importId must be an import's id (1 to 64 letters, digits, '-', '_'), got ${JSON.stringify(arg.importId)?.slice(0, 80)}`);
  }
  let url: URL;
  try {
    url = new URL(arg.gatewayUrl);
  } catch {
    throw new Error(`gatewayUrl must be a gateway's URL, got ${JSON.stringify(arg.gatewayUrl.slice(0, 200))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`gatewayUrl must be an http(s) URL, got ${url.protocol}`);
  return { gatewayUrl: arg.gatewayUrl.replace(/\/+$/, ''), importId: arg.importId };
}

/** The OPEN imports of a gateway, newest first. */
async function openImports(gateway: GatewayTarget): Promise<ImportSummary[]> {
  try {
    const { imports } = await gatewayClient(gateway.url, 'picker').listImports();
    return imports.filter((i) => i.status === 'OPEN').sort((a, b) => b.pulledAt.localeCompare(a.pulledAt));
  } catch (err) {
    throw new Error(`could not list the imports of ${gateway.name} (${gateway.url}): ${errorText(err)}`);
  }
}

/**
 * `flowgate.reviewImport [{ gatewayUrl, importId } | gateway node | { gatewayUrl }]` — the Review
 * Import page of an import (one per import); with no import named, quick picks of the gateway and
 * of its OPEN imports.
 */
export async function reviewImport(s: Services, panels: ReviewPanels, arg?: unknown): Promise<ShownReview | undefined> {
  const ref = importRef(arg);
  let scope: ReviewScope;
  if (ref) {
    scope = { gatewayName: gatewayName(s, ref.gatewayUrl), gatewayUrl: ref.gatewayUrl, importId: ref.importId };
  } else {
    const gateway = await resolveGateway(s, arg, 'Review an import of which gateway?');
    const imports = await openImports(gateway);
    if (imports.length === 0) {
      notify('info', `Flowgate: ${gateway.name} has no OPEN imports to review.`);
      return undefined;
    }
    const picked =
      imports.length === 1
        ? { i: imports[0] }
        : await vscode.window.showQuickPick(
            imports.map((i) => ({ label: `${i.name} v${i.version}`, description: `from ${i.source}`, detail: `pulled ${i.pulledAt} by ${i.pulledBy} · ${i.id}`, i })),
            { placeHolder: `Review which import of ${gateway.name}?`, ignoreFocusOut: true, matchOnDescription: true },
          );
    if (!picked) throw new Cancelled();
    scope = { gatewayName: gateway.name, gatewayUrl: gateway.url, importId: picked.i.id };
  }
  panels.show(scope);
  return { key: reviewKey(scope), scope };
}
