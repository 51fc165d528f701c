/**
 * What the promotion commands work on: an import of a target gateway (a node of the Gateways
 * view's Imports, `{ gatewayUrl, importId }`, or a pick), and the target gateways that pull from
 * a source gateway (the configured gateways whose `listSources` names a source with its URL).
 */
import * as vscode from 'vscode';
import type { ImportSummary } from '../../core/api/types';
import { gatewayName, resolveGateway, type GatewayTarget } from '../gatewayActions/targets';
import { isGatewayImportNode, isImportRef, isImportSummary, isRecord, oneLine } from '../gateways/nodes';
import { config } from '../shared/config';
import { Cancelled, errorText } from '../shared/errors';
import { gatewayClient } from '../shared/gateway';
import type { Services } from '../shared/services';

/** An import a command works on. */
export interface ImportTarget {
  gateway: GatewayTarget;
  importId: string;
  /** As the node or the gateway last described it (absent for a bare `{ gatewayUrl, importId }`). */
  summary?: ImportSummary;
}

export function describeImport(i: Pick<ImportSummary, 'name' | 'version' | 'source'>): string {
  return `${i.name} v${i.version} from ${i.source}`;
}

/**
 * The import of a command argument (an Imports node, `{ gatewayUrl, importId }`), else quick
 * picks of the gateway and of its imports (those `filter` accepts).
 */
export async function resolveImport(
  s: Services,
  arg: unknown,
  placeHolder: string,
  filter: (i: ImportSummary) => boolean,
  what: string,
): Promise<ImportTarget> {
  if (isGatewayImportNode(arg)) return { gateway: { name: gatewayName(s, arg.gatewayUrl), url: arg.gatewayUrl }, importId: arg.summary.id, summary: arg.summary };
  if (isImportRef(arg)) return { gateway: { name: gatewayName(s, arg.gatewayUrl), url: arg.gatewayUrl.replace(/\/+$/, '') }, importId: arg.importId };
  const gateway = await resolveGateway(s, arg, 'Which target gateway?');
  let imports: ImportSummary[];
  try {
    const answer: unknown = await gatewayClient(gateway.url, 'picker').listImports();
    imports = isRecord(answer) && Array.isArray(answer.imports) ? answer.imports.filter(isImportSummary) : [];
  } catch (err) {
    throw new Error(`could not list the imports of ${gateway.name} (${gateway.url}): ${errorText(err)}`);
  }
  const candidates = imports.filter(filter).sort((a, b) => b.pulledAt.localeCompare(a.pulledAt));
  if (candidates.length === 0) throw new Error(`${gateway.name} (${gateway.url}) has no ${what}`);
  const picked = await vscode.window.showQuickPick(
    candidates.map((i) => ({ label: `${oneLine(i.name)} v${i.version}`, description: `${i.status} · from ${oneLine(i.source)}`, detail: `pulled ${oneLine(i.pulledAt)} by ${oneLine(i.pulledBy)}`, i })),
    { placeHolder, ignoreFocusOut: true },
  );
  if (!picked) throw new Cancelled();
  return { gateway, importId: picked.i.id, summary: picked.i };
}

/** A gateway that pulls from a source: the gateway, and the name it gives the source. */
export interface PromotionTarget {
  gateway: GatewayTarget;
  sourceName: string;
}

/** `http://Host:80/x/` and `http://host/x` are the same gateway. */
export function sameGatewayUrl(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.protocol === y.protocol && x.host === y.host && x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '');
  } catch {
    return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
  }
}

/**
 * The gateways (the running local emulator and the `flowgate.gateways` entries, not the source
 * itself) whose configured promotion sources include `sourceUrl`. A gateway that does not answer
 * or does not let this caller list its sources is left out; why is logged.
 */
export async function promotionTargets(s: Services, sourceUrl: string): Promise<PromotionTarget[]> {
  const localUrl = s.local.url();
  const candidates: GatewayTarget[] = [
    ...(localUrl && s.local.isRunning() ? [{ name: gatewayName(s, localUrl), url: localUrl }] : []),
    ...config.gateways().map((g) => ({ name: g.name, url: g.url })),
  ].filter((g, i, all) => !sameGatewayUrl(g.url, sourceUrl) && all.findIndex((o) => sameGatewayUrl(o.url, g.url)) === i);
  const found = await Promise.all(
    candidates.map(async (gateway): Promise<PromotionTarget | undefined> => {
      try {
        const answer: unknown = await gatewayClient(gateway.url, 'picker').listSources();
        const sources = isRecord(answer) && Array.isArray(answer.sources) ? answer.sources.filter(isRecord) : [];
        const source = sources.find((x) => typeof x.url === 'string' && typeof x.name === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(x.name) && sameGatewayUrl(x.url, sourceUrl));
        return source ? { gateway, sourceName: source.name as string } : undefined;
      } catch (err) {
        s.log.info(`Promotion targets of ${sourceUrl}: ${gateway.name} (${gateway.url}) left out: ${errorText(err)}`);
        return undefined;
      }
    }),
  );
  return found.filter((t): t is PromotionTarget => t !== undefined);
}
