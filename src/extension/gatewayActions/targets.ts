import * as vscode from 'vscode';
import type { PackageSummary, PackageVersionSummary } from '../../core/api/types';
import { gatewayUrlOf, isGatewayNode, isGatewayPackageNode, isGatewayVersionNode, isPackageRef, isVersionRef } from '../gateways/nodes';
import { config } from '../shared/config';
import { Cancelled, errorText } from '../shared/errors';
import { gatewayClient } from '../shared/gateway';
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

const LOCAL_NAME = 'Local Emulator';

/** The display name of a gateway URL: the local emulator's, a `flowgate.gateways` entry's, or the URL. */
export function gatewayName(s: Services, url: string): string {
  const clean = url.replace(/\/+$/, '');
  if (s.local.url() === clean || s.local.configuredUrl() === clean) return LOCAL_NAME;
  return config.gateways().find((g) => g.url === clean)?.name ?? clean;
}

/**
 * The gateway of a command argument: a Gateways-view node (gateway, package, version), a URL, or
 * `{ gatewayUrl }`; else a quick pick of the local emulator and the `flowgate.gateways` entries
 * (none to choose from: the local emulator, started when needed).
 */
export async function resolveGateway(s: Services, arg: unknown, placeHolder: string): Promise<GatewayTarget> {
  if (typeof arg === 'string' && arg) return { name: gatewayName(s, arg), url: arg.replace(/\/+$/, '') };
  if (isGatewayNode(arg)) {
    const url = arg.local ? await s.local.ensureRunning() : arg.url;
    return { name: arg.name, url };
  }
  const gatewayUrl = gatewayUrlOf(arg);
  if (gatewayUrl) return { name: gatewayName(s, gatewayUrl), url: gatewayUrl.replace(/\/+$/, '') };

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
    return (await gatewayClient(gateway.url, 'picker').listPackages()).packages;
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
  if (isGatewayPackageNode(arg)) {
    return { gateway: { name: gatewayName(s, arg.gatewayUrl), url: arg.gatewayUrl }, packageName: arg.summary.name };
  }
  if (isGatewayVersionNode(arg)) {
    return { gateway: { name: gatewayName(s, arg.gatewayUrl), url: arg.gatewayUrl }, packageName: arg.packageName };
  }
  if (isPackageRef(arg)) {
    const gateway = await resolveGateway(s, arg, placeHolder);
    return { gateway, packageName: arg.packageName };
  }
  // A gateway node (or `{ gatewayUrl }`) narrows the pick to its packages; anything else asks for the gateway too.
  const gateway = await resolveGateway(s, isGatewayNode(arg) || gatewayUrlOf(arg) ? arg : undefined, 'Which gateway?');
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
  if (isGatewayVersionNode(arg)) {
    return { gateway: { name: gatewayName(s, arg.gatewayUrl), url: arg.gatewayUrl }, packageName: arg.packageName, version: arg.summary.version };
  }
  if (isVersionRef(arg)) {
    const gateway = await resolveGateway(s, arg, placeHolder);
    return { gateway, packageName: arg.packageName, version: arg.version };
  }
  const pkg = await resolvePackage(s, arg, 'Which package?', (p) => p.versions.some(filter), `has no package with ${what}`);
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
