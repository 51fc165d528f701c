/**
 * The parts of oidc-provider 8.x (which ships no TypeScript declarations) the gateway uses.
 * Reference: node_modules/oidc-provider/lib/helpers/defaults.js and the project's docs/README.md.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface KoaContextLike {
    type: string;
    body: unknown;
    status: number;
  }

  export interface Configuration {
    adapter?: new (name: string) => unknown;
    clients?: Record<string, unknown>[];
    jwks?: { keys: Record<string, unknown>[] };
    cookies?: { keys?: string[] };
    clientAuthMethods?: string[];
    enabledJWA?: Record<string, string[]>;
    scopes?: string[];
    features?: Record<string, Record<string, unknown>>;
    ttl?: Record<string, number | ((...args: unknown[]) => number)>;
    findAccount?: (ctx: unknown, id: string) => Promise<{ accountId: string; claims: () => Promise<Record<string, unknown>> }>;
    renderError?: (ctx: KoaContextLike, out: Record<string, unknown>, error: Error) => Promise<void>;
    [other: string]: unknown;
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    Client: { prototype: { compareClientSecret(actual: string): boolean | Promise<boolean> } };
    proxy: boolean;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export const errors: {
    InvalidTarget: new (description?: string) => Error;
    [name: string]: new (description?: string) => Error;
  };
}
