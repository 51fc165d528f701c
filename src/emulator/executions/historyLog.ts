/**
 * Execution history as an append-only JSON-lines log under `<data>/executions/` (segments, see
 * segmentLog.ts), with an in-memory index bounded by the retention.
 *
 * - Each line is a whole execution record; the last line of an id wins. A record is written when
 *   it starts and when it finishes — starting an execution is one append, whatever the history's
 *   size (no scan, no rewrite).
 * - The index holds, per retained execution, its head (for lists and filters) and where its last
 *   line is; full records are read back on demand (a few recent ones are cached).
 * - Retention: beyond `retention` finished executions the oldest leave the index; a segment that
 *   no retained execution points into any more is deleted whole.
 * - Opening is instant: the existing segments are streamed in the background (`ready()`); lists and
 *   reads wait for it, starts do not. Records that were still Running or Stopping (the gateway died)
 *   are then marked Stopped with error `gateway-stopped`. A torn last line is skipped with a warning.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ExecutionHistory } from './history';
import { headOf, type ExecutionHead } from './record';
import { appendLog, isFinished, type ExecutionRecord } from './record';
import { LIMITS } from '../../core/limits';
import { listSegments, readLine, readSegment, segmentFileName, SegmentLog, type LinePosition } from './segmentLog';

export const EXECUTIONS_DIR = 'executions';
export const DEFAULT_EXECUTION_RETENTION = 10_000;
const RECENT_CACHE = 256;
/** A record line longer than this is written reduced (values and log cut): records are bounded before, this is the backstop. */
const MAX_RECORD_LINE = 4 * 1024 * 1024;
const MAX_SEGMENT_BYTES = 16 * 1024 * 1024;

export const GATEWAY_STOPPED = 'gateway-stopped';

interface Entry {
  head: ExecutionHead;
  pos: LinePosition;
  /** Set while the execution runs in this process. */
  live?: ExecutionRecord;
}

export interface HistoryLogOptions {
  retention?: number;
  /** Lines per segment; default from the retention. */
  segmentLines?: number;
  warn?: (message: string) => void;
}

export class JsonlExecutionHistory implements ExecutionHistory {
  private index = new Map<string, Entry>();
  private readonly refs = new Map<number, number>();
  /** Recently finished records (by count and by bytes: LIMITS.historyCacheBytes) with their line sizes. */
  private readonly recent = new Map<string, { record: ExecutionRecord; bytes: number }>();
  private recentBytes = 0;
  private finished = 0;
  private loaded = false;
  private readonly loading: Promise<void>;
  private readonly log: SegmentLog;
  private readonly retention: number;
  private readonly warn: (message: string) => void;

  private constructor(readonly dir: string, oldSegments: number[], opts: HistoryLogOptions) {
    this.retention = Math.max(1, Math.floor(opts.retention ?? DEFAULT_EXECUTION_RETENTION));
    this.warn = opts.warn ?? ((m) => console.error(`Flowgate emulator: ${m}`));
    const lines = opts.segmentLines ?? Math.min(5000, Math.max(2, Math.ceil(this.retention / 4)));
    const first = (oldSegments[oldSegments.length - 1] ?? 0) + 1;
    this.log = new SegmentLog(dir, first, lines, MAX_SEGMENT_BYTES, (prev) => this.maybeDelete(prev));
    this.loading = this.load(oldSegments).catch((err) => {
      this.warn(`could not read the execution history in ${dir}: ${(err as Error).message}`);
      this.finishLoad(new Map());
    });
    this.loading.catch(() => undefined);
  }

  /** Opens the log: lists the segment files only; their contents are read in the background. */
  static async open(dataDir: string, opts: HistoryLogOptions = {}): Promise<JsonlExecutionHistory> {
    const dir = path.join(dataDir, EXECUTIONS_DIR);
    await fs.mkdir(dir, { recursive: true });
    return new JsonlExecutionHistory(dir, await listSegments(dir), opts);
  }

  ready(): Promise<void> {
    return this.loading;
  }

  add(record: ExecutionRecord): void {
    const pos = this.log.append(this.line(record));
    this.ref(pos.segment, 1);
    this.index.set(record.id, { head: headOf(record), pos, live: record });
  }

  update(record: ExecutionRecord): void {
    const entry = this.index.get(record.id);
    if (!entry || !isFinished(record.status)) return;
    const bytes = this.write(entry, record);
    if (entry.live) {
      entry.live = undefined;
      this.finished++;
    }
    this.remember(record, bytes);
    if (this.loaded) this.evict();
  }

  async get(id: string): Promise<ExecutionRecord | undefined> {
    let entry = this.index.get(id);
    if (!entry && !this.loaded) {
      await this.loading;
      entry = this.index.get(id);
    }
    if (!entry) return undefined;
    if (entry.live) return entry.live;
    const cached = this.recent.get(id);
    if (cached) return cached.record;
    const pos = entry.pos;
    await this.log.flushed();
    const line = await readLine(this.log.file(pos.segment), pos);
    if (!line) return undefined;
    const record = parseRecord(line);
    return record && record.id === id ? record : undefined;
  }

  async list(): Promise<ExecutionHead[]> {
    await this.loading;
    const out: ExecutionHead[] = [];
    for (const e of this.index.values()) out.push(e.live ? headOf(e.live) : e.head);
    return out.reverse();
  }

  async heads(ids: string[]): Promise<(ExecutionHead | undefined)[]> {
    if (!this.loaded) await this.loading;
    return ids.map((id) => {
      const e = this.index.get(id);
      return e ? (e.live ? headOf(e.live) : e.head) : undefined;
    });
  }

  flushed(): Promise<void> {
    return this.log.flushed();
  }

  async close(): Promise<void> {
    await this.loading;
    await this.log.close();
  }

  // ---- internals -----------------------------------------------------------------------------

  private write(entry: Entry, record: ExecutionRecord): number {
    const line = this.line(record);
    const pos = this.log.append(line);
    this.ref(entry.pos.segment, -1);
    this.ref(pos.segment, 1);
    entry.pos = pos;
    entry.head = headOf(record);
    return line.length;
  }

  /**
   * A record as one JSON line. Records are bounded when built; should one still not serialise
   * (or be huge), a reduced record is written — values and log replaced by a note — so that a
   * history write never throws into an execution or its caller.
   */
  private line(record: ExecutionRecord): string {
    let text: string | undefined;
    let why = '';
    try {
      text = JSON.stringify(record);
      if (text.length > MAX_RECORD_LINE) {
        why = `the record takes ${text.length} bytes`;
        text = undefined;
      }
    } catch (err) {
      why = `the record could not be serialised: ${(err as Error)?.message ?? String(err)}`;
    }
    if (text !== undefined) return text;
    this.warn(`execution ${record.id}: ${why}; its inputs, outputs and log are left out of the history`);
    const note = { $truncated: true, bytes: -1 };
    const reduced: ExecutionRecord = {
      ...record,
      inputs: note as unknown as Record<string, unknown>,
      outputs: record.outputs === null ? null : (note as unknown as Record<string, unknown>),
      error: record.error ? { ...record.error, message: String(record.error.message).slice(0, LIMITS.textLength) } : null,
      log: [{ at: new Date().toISOString(), level: 'warn', message: `log left out: ${why}`.slice(0, LIMITS.textLength) }],
      childIds: record.childIds.slice(0, LIMITS.executionTreeSize),
    };
    try {
      return JSON.stringify(reduced);
    } catch {
      return JSON.stringify({ ...headOf(record), inputs: {}, outputs: null, error: record.error ? { code: 'record-too-large', message: why.slice(0, 1000) } : null, log: [], childIds: [] });
    }
  }

  private remember(record: ExecutionRecord, bytes: number): void {
    const old = this.recent.get(record.id);
    if (old) {
      this.recentBytes -= old.bytes;
      this.recent.delete(record.id);
    }
    this.recent.set(record.id, { record, bytes });
    this.recentBytes += bytes;
    while (this.recent.size > RECENT_CACHE || (this.recentBytes > LIMITS.historyCacheBytes && this.recent.size > 1)) {
      const [id, e] = this.recent.entries().next().value as [string, { record: ExecutionRecord; bytes: number }];
      this.recent.delete(id);
      this.recentBytes -= e.bytes;
    }
  }

  private forget(id: string): void {
    const e = this.recent.get(id);
    if (!e) return;
    this.recent.delete(id);
    this.recentBytes -= e.bytes;
  }

  private ref(segment: number, delta: number): void {
    if (segment < 0) return;
    const n = (this.refs.get(segment) ?? 0) + delta;
    if (n > 0) {
      this.refs.set(segment, n);
      return;
    }
    this.refs.delete(segment);
    this.maybeDelete(segment);
  }

  /** A segment nothing retained points into is deleted (not the active one, not while loading). */
  private maybeDelete(segment: number): void {
    if (!this.loaded || segment === this.log.activeSegment) return;
    if ((this.refs.get(segment) ?? 0) > 0) return;
    this.log.remove(segment);
  }

  /** Drop the oldest finished executions beyond the retention. Running ones are always kept. */
  private evict(): void {
    let over = this.finished - this.retention;
    if (over <= 0) return;
    for (const [id, e] of this.index) {
      if (over <= 0) break;
      if (e.live) continue;
      this.index.delete(id);
      this.forget(id);
      this.finished--;
      over--;
      this.ref(e.pos.segment, -1);
    }
  }

  private async load(segments: number[]): Promise<void> {
    const loaded = new Map<string, Entry>();
    /** Last seen records that were not finished: the gateway died while they ran. */
    const unfinished = new Map<string, ExecutionRecord>();
    let loadedFinished = 0;
    for (const segment of segments) {
      let bad = 0;
      let torn = false;
      await readSegment(this.log.file(segment), (line, offset, isTorn) => {
        const record = parseRecord(line);
        if (!record) {
          if (isTorn) torn = true;
          else bad++;
          return;
        }
        const pos: LinePosition = { segment, offset, length: line.length };
        const prev = loaded.get(record.id);
        if (prev) {
          this.ref(prev.pos.segment, -1);
          if (isFinished(prev.head.status)) loadedFinished--;
          prev.pos = pos;
          prev.head = headOf(record);
        } else {
          loaded.set(record.id, { head: headOf(record), pos });
        }
        this.ref(segment, 1);
        if (isFinished(record.status)) {
          loadedFinished++;
          unfinished.delete(record.id);
        } else {
          unfinished.set(record.id, record);
        }
        // Keep memory bounded while reading a history larger than the retention.
        if (loadedFinished > this.retention * 2) loadedFinished -= trimOldest(loaded, loadedFinished - this.retention, (e) => this.ref(e.pos.segment, -1));
      }).catch((err) => {
        this.warn(`${EXECUTIONS_DIR}/${segmentFileName(segment)}: ${(err as Error).message}`);
      });
      if (torn) this.warn(`${EXECUTIONS_DIR}/${segmentFileName(segment)}: skipped a torn last line (the gateway was killed while writing it)`);
      if (bad) this.warn(`${EXECUTIONS_DIR}/${segmentFileName(segment)}: skipped ${bad} unreadable line${bad > 1 ? 's' : ''}`);
    }
    // Executions that were running when the gateway died ended with it.
    const now = new Date().toISOString();
    for (const record of unfinished.values()) {
      const entry = loaded.get(record.id);
      if (!entry) continue;
      markGatewayStopped(record, now, 'the gateway stopped while this execution was running (found at restart)');
      this.write(entry, record);
      loadedFinished++;
    }
    this.finished += loadedFinished;
    this.finishLoad(loaded);
    for (const segment of segments) this.maybeDelete(segment);
  }

  private finishLoad(loaded: Map<string, Entry>): void {
    // Older (loaded) entries first, then those started since the gateway opened.
    for (const [id, e] of this.index) loaded.set(id, e);
    this.index = loaded;
    this.loaded = true;
    this.evict();
  }
}

/** Mark a record as ended by the gateway's stop. */
export function markGatewayStopped(record: ExecutionRecord, at: string, message: string): void {
  record.status = 'Stopped';
  record.endedAt = record.endedAt ?? at;
  record.error = { code: GATEWAY_STOPPED, message: message.charAt(0).toUpperCase() + message.slice(1) };
  appendLog(record, { at, level: 'warn', message: `stopped: ${message}` });
}

function trimOldest(map: Map<string, Entry>, count: number, dropped: (e: Entry) => void): number {
  let n = 0;
  for (const [id, e] of map) {
    if (n >= count) break;
    if (!isFinished(e.head.status)) continue;
    map.delete(id);
    dropped(e);
    n++;
  }
  return n;
}

function parseRecord(line: Buffer): ExecutionRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const r = v as ExecutionRecord;
  if (typeof r.id !== 'string' || typeof r.status !== 'string' || typeof r.startedAt !== 'string' || typeof r.flow !== 'string') {
    return undefined;
  }
  r.childIds ??= [];
  r.log ??= [];
  return r;
}
