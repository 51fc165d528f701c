/**
 * A connection: environment-specific endpoint settings. It never holds a secret value, only
 * the name of a secret that the gateway (or VS Code's SecretStorage) resolves at run time.
 */
export interface ConnectionDocument {
  description?: string;
  baseUrl: string;
  headers?: Record<string, string>;
  auth?: ConnectionAuth;
  timeoutSeconds?: number;
}

export type ConnectionAuth =
  | { type: 'none' }
  | { type: 'bearer'; secret: string }
  | { type: 'basic'; username: string; secret: string };

export interface ConnectionDefinition {
  kind: 'connection';
  /** The connection's name: the file name without `.connection.yaml`. */
  id: string;
  name: string;
  folder: string;
  connection: ConnectionDocument;
}
