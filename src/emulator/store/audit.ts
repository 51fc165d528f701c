/**
 * The management record: `<data>/audit.jsonl`, one JSON line per management action (every Admin
 * operation that changes state, written by the one middleware in src/emulator/auth/auditTrail.ts)
 * and per refused client authentication at the token endpoint (`auth-failure`): who, what, when,
 * from where, and the outcome. Appended and fsync'ed, never rewritten. Records never carry secrets
 * or texts: names, ids and numbers.
 *
 * Reading (GET /api/v1/audit) goes backwards from the end of the file in chunks, so a page costs
 * at most LIMITS.auditScanBytes of reading whatever the file's size; a page that ran out of that
 * budget before filling ends with `next` where it stopped.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LIMITS } from '../../core/limits';
import { appendDurable } from './durableFile';

export const AUDIT_FILE = 'audit.jsonl';

export interface AuditRecord {
  at: string;
  /** What: the operation in kebab case (`delete-version`, `create-schedule`, …) or `auth-failure`. */
  action: string;
  /** The API operation id (operations.ts), absent for `auth-failure`. */
  operation?: string;
  /** The answer's HTTP status (the outcome). */
  status?: number;
  package?: string;
  /** The versions concerned (a deleted package: all of its versions). */
  versions?: number[];
  /** For set-authorisation: the groups now. */
  groups?: string[];
  schedule?: string;
  trigger?: string;
  snmpUser?: string;
  /** A connection secret's name (never its value). */
  secret?: string;
  /** For a secret: its grants now (`PKG/CONN`). */
  grants?: string[];
  execution?: string;
  /** Stopping several executions: how many were asked. */
  executions?: number;
  /** For auth-failure: the client id presented. */
  client?: string;
  /** Promotion: the event a target reported, the target, the source and id of an import, whether an event was new. */
  event?: string;
  target?: string;
  source?: string;
  import?: string;
  recorded?: boolean;
  /** A protected target's explicit exception: a direct upload an Admin allowed. */
  allowUnsigned?: boolean;
  /** The caller's address (`127.0.0.1`), as the HTTP server saw it. */
  address: string | null;
  /** Who: the caller's client or user id. */
  by?: string;
}

export interface Actor {
  address: string | null;
  /** The caller's client or user id. */
  by?: string;
}

export interface AuditQuery {
  limit: number;
  /** A byte offset in the file (a previous page's `next`): records before it. */
  after?: number;
  action?: string;
  package?: string;
  /** ISO time: records at or after it. */
  since?: string;
}

export interface AuditPage {
  records: AuditRecord[];
  next?: string;
}

export class AuditCursorError extends Error {}

const CHUNK = 64 * 1024;

export class AuditLog {
  private chain: Promise<void> = Promise.resolve();
  readonly file: string;
  constructor(dataDir: string) {
    this.file = path.join(dataDir, AUDIT_FILE);
  }

  /** Append one record durably (records are written one at a time, in order). */
  append(record: Omit<AuditRecord, 'at'>): Promise<void> {
    const line = `${JSON.stringify({ at: new Date().toISOString(), ...record })}\n`;
    const run = this.chain.then(() => appendDurable(this.file, line));
    this.chain = run.catch(() => undefined);
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch {
        /* a listener (the activity log) never fails an action */
      }
    }
    return run;
  }

  private readonly listeners = new Set<(record: Omit<AuditRecord, 'at'>) => void>();

  /** Hears of every record as it is appended (the activity log, activityLog.ts); answers the unsubscribe. */
  onAppend(listener: (record: Omit<AuditRecord, 'at'>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Newest first, filtered, reading backwards from `after` (or the end) at most LIMITS.auditScanBytes. */
  async page(q: AuditQuery): Promise<AuditPage> {
    await this.chain; // records appended before this request are in the file
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        if (q.after !== undefined && q.after !== 0) throw new AuditCursorError('is not a position in the audit log');
        return { records: [] };
      }
      throw err;
    }
    try {
      const size = (await handle.stat()).size;
      if (q.after !== undefined && q.after > size) throw new AuditCursorError('is not a position in the audit log');
      const since = q.since === undefined ? undefined : Date.parse(q.since);
      const records: AuditRecord[] = [];
      let pos = q.after ?? size; // everything before pos is still to read
      let carry = Buffer.alloc(0); // the end of a line whose start is before pos
      let carryDropped = false; // the line in carry was too long: skip it whole
      let lineEnd = pos; // the file offset where carry ends
      let scanned = 0;
      const consider = (line: Buffer, start: number): 'stop' | 'more' => {
        if (line.length === 0) return 'more';
        let r: AuditRecord;
        try {
          r = JSON.parse(line.toString('utf8')) as AuditRecord;
        } catch {
          return 'more'; // a torn last line (a crash mid-append): not a record
        }
        if (since !== undefined && Date.parse(r.at) < since) return 'stop';
        if (q.action !== undefined && r.action !== q.action && r.operation !== q.action) return 'more';
        if (q.package !== undefined && r.package !== q.package) return 'more';
        records.push(r);
        if (records.length >= q.limit) {
          lineEnd = start;
          return 'stop';
        }
        return 'more';
      };
      while (pos > 0) {
        if (scanned >= LIMITS.auditScanBytes) return { records, next: String(lineEnd) };
        const len = Math.min(CHUNK, pos);
        const buf = Buffer.alloc(len);
        await handle.read(buf, 0, len, pos - len);
        pos -= len;
        scanned += len;
        let end = buf.length; // lines in buf[..end] + carry
        for (let i = buf.length - 1; i >= 0; i--) {
          if (buf[i] !== 0x0a) continue;
          const start = pos + i + 1;
          const line = Buffer.concat([buf.subarray(i + 1, end), carry]);
          carry = Buffer.alloc(0);
          const dropped = carryDropped;
          carryDropped = false;
          if (!dropped && consider(line, start) === 'stop') {
            return records.length >= q.limit && lineEnd > 0 ? { records, next: String(lineEnd) } : { records };
          }
          lineEnd = start;
          end = i;
        }
        carry = Buffer.concat([buf.subarray(0, end), carry]);
        if (carry.length > LIMITS.auditRecordBytes) {
          carry = Buffer.alloc(0);
          carryDropped = true;
        }
      }
      if (!carryDropped && consider(carry, 0) === 'stop' && records.length >= q.limit && lineEnd > 0) return { records, next: String(lineEnd) };
      return { records };
    } finally {
      await handle.close();
    }
  }
}
