import * as vscode from 'vscode';
import type { PackageSummary, PackageVersionSummary } from '../../core/api/types';
import { GatewayClient } from '../../core/client/gatewayClient';
import type { GatewayNode, GatewayPackageNode, GatewayVersionNode } from '../gateways/gatewaysTree';
import { config } from '../shared/config';
import { Cancelled, errorText } from '../shared/errors';
import type { Services } from '../shared/services';

/** A gateway a command works on. */
export interface GatewayTarget {
  name: string;
  url: string;
}

/** A package (of a gateway) a command works on. */
export interface PackageTarget {
  gateway: GatewayTarget;
  packageName: string;
}

/** A package version (of a gateway) a command works on. */
export interface VersionTarget extends PackageTarget {
  version: number;
}

/** The client the gateway actions use (core's GatewayClient; its errors are GatewayError). */
export function clientFor(url: string, timeoutMs = 30_000): GatewayClient {
  return new GatewayClient(url, { timeoutMs });
}

const LOCAL_NAME = 'Local Emulator';

/** The display name of a gateway URL: the local emulator's, a `flowgate.gateways` entry's, or the URL. */
export function gatewayName(s: Services, url: string): string {
  const clean = url.replace(/\/+$/, '');
  if (s.local.url() === clean || s.local.configuredUrl() === clean) return LOCAL_NAME;
  return config.gateways().find((g) => g.url === clean)?.name ?? clean;
}

function record(arg: unknown): Record<string, unknown> | undefined {
  return arg && typeof arg === 'object' && !Array.isArray(arg) ? (arg as Record<string, unknown>) : undefined;
}

/**
 * The gateway of a command argument: a Gateways-view node (gateway, package, version), a URL, or
 * `{ gatewayUrl }`; else a quick pick of the local emulator and the `flowgate.gateways` entries
 * (none to choose from: the local emulator, started when needed).
 */
export async function resolveGateway(s: Services, arg: unknown, placeHolder: string): Promise<GatewayTarget> {
  const a = record(arg);
  if (typeof arg === 'string' && arg) return { name: gatewayName(s, arg), url: arg.replace(/\/+$/, '') };
  if (a?.type === 'gateway' && typeof a.url === 'string') {
    const node = a as unknown as GatewayNode;
    const url = node.local ? await s.local.ensureRunning() : node.url;
    return { name: node.name, url };
  }
  if (typeof a?.gatewayUrl === 'string') return { name: gatewayName(s, a.gatewayUrl), url: a.gatewayUrl.replace(/\/+$/, '') };

  const remotes = config.gateways();
  if (remotes.length === 0) return { name: LOCAL_NAME, url: await s.local.ensureRunning() };
  const localUrl = s.local.url();
  const items = [
    {
      label: LOCAL_NAME,
      description: localUrl ?? `${s.local.configuredUrl()} · not running (starts it)`,
      iconPath: new vscode.ThemeIcon('server-process'),
      target: undefined as GatewayTarget | undefined,
    },
    ...remotes.map((g) => ({ label: g.name, description: g.url, iconPath: new vscode.ThemeIcon('server-environment'), target: { name: g.name, url: g.url } })),
  ];
  const picked = await vscode.window.showQuickPick(items, { placeHolder, ignoreFocusOut: true, matchOnDescription: true });
  if (!picked) throw new Cancelled();
  return picked.target ?? { name: LOCAL_NAME, url: await s.local.ensureRunning() };
}

async function listPackages(gateway: GatewayTarget): Promise<PackageSummary[]> {
  try {
    return (await clientFor(gateway.url, 10_000).listPackages()).packages;
  } catch (err) {
    throw new Error(`could not list the packages of ${gateway.name} (${gateway.url}): ${errorText(err)}`);
  }
}

/**
 * The package of a command argument (a package or version node, `{ gatewayUrl, packageName }`),
 * else quick picks of the gateway and of its packages (those `filter` accepts).
 */
export async function resolvePackage(
  s: Services,
  arg: unknown,
  placeHolder: string,
  filter: (p: PackageSummary) => boolean = () => true,
  emptyMessage = 'has no packages yet',
): Promise<PackageTarget> {
  const a = record(arg);
  if (a?.type === 'gatewayPackage') {
    const node = a as unknown as GatewayPackageNode;
    return { gateway: { name: gatewayName(s, node.gatewayUrl), url: node.gatewayUrl }, packageName: node.summary.name };
  }
  if (a?.type === 'gatewayVersion') {
    const node = a as unknown as GatewayVersionNode;
    return { gateway: { name: gatewayName(s, node.gatewayUrl), url: node.gatewayUrl }, packageName: node.packageName };
  }
  if (typeof a?.packageName === 'string') {
    const gateway = await resolveGateway(s, a, placeHolder);
    return { gateway, packageName: a.packageName };
  }
  const gateway = await resolveGateway(s, a?.type === 'gateway' ? a : undefined, 'Which gateway?');
  const packages = (await listPackages(gateway)).filter(filter).sort((x, y) => x.name.localeCompare(y.name));
  if (packages.length === 0) throw new Error(`${gateway.name} (${gateway.url}) ${emptyMessage}`);
  const picked = await vscode.window.showQuickPick(
    packages.map((p) => ({
      label: p.name,
      description: [p.isDefault ? 'default package' : '', `${p.versions.length} version${p.versions.length === 1 ? '' : 's'}`].filter(Boolean).join(' · '),
      detail: p.description,
      p,
    })),
    { placeHolder, ignoreFocusOut: true },
  );
  if (!picked) throw new Cancelled();
  return { gateway, packageName: picked.p.name };
}

/**
 * The package version of a command argument (a version node, `{ gatewayUrl, packageName, version }`),
 * else quick picks of the gateway, the package and its versions (those `filter` accepts).
 */
export async function resolveVersion(
  s: Services,
  arg: unknown,
  placeHolder: string,
  filter: (v: PackageVersionSummary) => boolean = () => true,
  what = 'versions',
): Promise<VersionTarget> {
  const a = record(arg);
  if (a?.type === 'gatewayVersion') {
    const node = a as unknown as GatewayVersionNode;
    return { gateway: { name: gatewayName(s, node.gatewayUrl), url: node.gatewayUrl }, packageName: node.packageName, version: node.summary.version };
  }
  if (typeof a?.packageName === 'string' && typeof a.version === 'number') {
    const gateway = await resolveGateway(s, a, placeHolder);
    return { gateway, packageName: a.packageName, version: a.version };
  }
  const pkg = await resolvePackage(s, a, 'Which package?', (p) => p.versions.some(filter), `has no package with ${what}`);
  const summary = (await listPackages(pkg.gateway)).find((p) => p.name === pkg.packageName);
  const versions = (summary?.versions ?? []).filter(filter).sort((x, y) => y.version - x.version);
  if (versions.length === 0) throw new Error(`${pkg.packageName} on ${pkg.gateway.name} has no ${what}`);
  if (versions.length === 1) return { ...pkg, version: versions[0].version };
  const picked = await vscode.window.showQuickPick(
    versions.map((v) => ({
      label: `v${v.version}`,
      description: [v.published ? 'published' : 'unpublished', v.isDefault ? (summary?.defaultIsExplicit ? 'default (explicit)' : 'default') : '', v.status].filter(Boolean).join(' · '),
      v,
    })),
    { placeHolder: `${placeHolder} (${pkg.packageName})`, ignoreFocusOut: true },
  );
  if (!picked) throw new Cancelled();
  return { ...pkg, version: picked.v.version };
}

export function describeVersion(t: VersionTarget): string {
  return `${t.packageName} v${t.version}`;
}
