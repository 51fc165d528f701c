/** The parts of net-snmp 3.29 (untyped JavaScript) that Flowgate uses. */
declare module 'net-snmp' {
  export const Version1: number;
  export const Version2c: number;
  export const Version3: number;
  export const ObjectType: Record<string, number> & Record<number, string>;
  export const SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
  export const AuthProtocols: Record<string, number>;
  export const PrivProtocols: Record<string, number>;
  export const PduType: Record<string, number> & Record<number, string>;
  export const TrapType: Record<string, number>;

  export interface Varbind {
    oid: string;
    type: number;
    value: unknown;
  }

  export interface RemoteInfo {
    address: string;
    family: string;
    port: number;
    size: number;
  }

  /** What a receiver hands its callback (with includeAuthentication): the shape core reads. */
  export type Notification = import('./pdu').RawNotification;

  export interface V3User {
    name: string;
    level: number;
    authProtocol?: number;
    authKey?: string;
    privProtocol?: number;
    privKey?: string;
  }

  export interface Authorizer {
    addCommunity(community: string): void;
    getCommunity(community: string): string | null;
    getCommunities(): string[];
    deleteCommunity(community: string): void;
    addUser(user: V3User): void;
    getUser(name: string): V3User | null;
    getUsers(): V3User[];
    deleteUser(name: string): void;
  }

  export interface Receiver {
    getAuthorizer(): Authorizer;
    close(callback?: () => void): void;
  }

  export interface DgramModule {
    createSocket(type: string): import('node:dgram').Socket;
  }

  export function createReceiver(
    options: {
      port?: number;
      address?: string | null;
      transport?: string;
      includeAuthentication?: boolean;
      disableAuthorization?: boolean;
      engineID?: string;
      dgramModule?: DgramModule;
    },
    callback: (error: (Error & { rinfo?: RemoteInfo }) | null, notification?: Notification) => void,
  ): Receiver;

  export interface Session {
    trap(typeOrOid: string | number, varbinds: Varbind[], options: { agentAddr?: string; upTime?: number }, callback: (error: Error | null) => void): void;
    inform(typeOrOid: string | number, varbinds: Varbind[], options: { upTime?: number }, callback: (error: Error | null) => void): void;
    close(): void;
    on(event: string, listener: (...args: unknown[]) => void): void;
  }

  export interface SessionOptions {
    version?: number;
    port?: number;
    trapPort?: number;
    retries?: number;
    timeout?: number;
    transport?: string;
    sourceAddress?: string;
    sourcePort?: number;
    engineID?: string;
    dgramModule?: DgramModule;
  }

  export function createSession(target: string, community: string, options?: SessionOptions): Session;
  export function createV3Session(target: string, user: V3User, options?: SessionOptions): Session;
}
