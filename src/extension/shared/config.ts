import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

export interface RemoteGatewaySetting {
  name: string;
  url: string;
  /** OAuth client credentials for it: a {"issuer", "client_id", "client_secret"} file (e.g. an emulator's local-admin.json). */
  credentialsFile?: string;
}

function section(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('flowgate');
}

export const config = {
  localPort(): number {
    return section().get<number>('localGateway.port', 8722);
  },
  /** UDP port of the local emulator's SNMP trap receiver (0: a free port). */
  localSnmpPort(): number {
    return section().get<number>('localGateway.snmpPort', 1162);
  },
  localHost(): string {
    return section().get<string>('localGateway.host', '127.0.0.1') || '127.0.0.1';
  },
  /** `flowgate.localGateway.dataFolder` as set (`~` expanded), or undefined: the extension's global storage. */
  localDataFolder(): string | undefined {
    const v = section().get<string>('localGateway.dataFolder', '').trim();
    return v ? expandHome(v) : undefined;
  },
  /** Start the local gateway when a Flowgate workspace opens. */
  localAutoStart(): boolean {
    return section().get<boolean>('localGateway.autoStart', false) === true;
  },
  /** `flowgate.localGateway.nodePath` as set (`~` expanded), or undefined: VS Code's own runtime. */
  localNodePath(): string | undefined {
    const v = section().get<string>('localGateway.nodePath', '').trim();
    return v ? expandHome(v) : undefined;
  },
  /** The dev gateway URL, or undefined for "the local emulator". */
  devGatewayUrl(): string | undefined {
    const url = section().get<string>('devGateway.url', '').trim();
    return url ? url.replace(/\/+$/, '') : undefined;
  },
  gateways(): RemoteGatewaySetting[] {
    const list = section().get<unknown[]>('gateways', []);
    return (Array.isArray(list) ? list : [])
      .filter((g): g is RemoteGatewaySetting => !!g && typeof g === 'object' && typeof (g as RemoteGatewaySetting).url === 'string')
      .map((g) => ({
        name: typeof g.name === 'string' && g.name ? g.name : g.url,
        url: g.url.replace(/\/+$/, ''),
        ...(typeof g.credentialsFile === 'string' && g.credentialsFile.trim() ? { credentialsFile: g.credentialsFile.trim() } : {}),
      }));
  },
};

/** The version string the extension puts into package files it builds. */
export function createdBy(context: vscode.ExtensionContext): string {
  const version = (context.extension.packageJSON as { version?: string }).version ?? '0.0.0';
  return `flowgate-vscode/${version}`;
}

/** `~` and `~/x` → the home folder; anything else as it is. */
export function expandHome(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(os.homedir(), p.slice(2));
  return p;
}
