/**
 * The management record: `<data>/audit.jsonl`, one JSON line per destructive change (what, when,
 * from which address), appended and fsync'ed, never rewritten. Until identities exist (the next
 * issue brings Admin and `GET /api/v1/audit`) the caller is known by its address only. Records
 * never carry secrets or texts: names and numbers.
 */
import path from 'node:path';
import { appendDurable } from './durableFile';

export const AUDIT_FILE = 'audit.jsonl';

export interface AuditRecord {
  at: string;
  action: 'delete-version' | 'delete-package' | 'set-authorisation';
  package: string;
  versions: number[];
  /** For set-authorisation: the groups now. */
  groups?: string[];
  /** The caller's address (`127.0.0.1`), as the HTTP server saw it. */
  address: string | null;
  /** Who: the caller's client or user id (absent where the gateway has no identities). */
  by?: string;
}

export interface Actor {
  address: string | null;
  /** The caller's client or user id. */
  by?: string;
}

export class AuditLog {
  private chain: Promise<void> = Promise.resolve();
  constructor(private readonly dataDir: string) {}

  /** Append one record durably (records are written one at a time, in order). */
  append(record: Omit<AuditRecord, 'at'>): Promise<void> {
    const line = `${JSON.stringify({ at: new Date().toISOString(), ...record })}\n`;
    const run = this.chain.then(() => appendDurable(path.join(this.dataDir, AUDIT_FILE), line));
    this.chain = run.catch(() => undefined);
    return run;
  }
}
