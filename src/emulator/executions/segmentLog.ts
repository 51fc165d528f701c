/**
 * An append-only log of JSON lines split into numbered segment files
 * (`<dir>/00000001.jsonl`, …). Appends are O(1): the caller gets the line's position at once and
 * the bytes are written shortly after, lines of one turn of the event loop in one write. Segments
 * rotate after `maxLines` lines or `maxBytes` bytes; whole segments are deleted on request
 * (compaction never rewrites a file). Operations run strictly in order on one chain.
 */
import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';

export interface LinePosition {
  segment: number;
  offset: number;
  length: number;
}

type Op =
  | { kind: 'write'; segment: number; chunks: Buffer[]; bytes: number }
  | { kind: 'close'; segment: number }
  | { kind: 'delete'; segment: number };

const SEGMENT_RE = /^(\d{8})\.jsonl$/;

export function segmentFileName(segment: number): string {
  return `${String(segment).padStart(8, '0')}.jsonl`;
}

/** Segment numbers present in the folder, ascending. */
export async function listSegments(dir: string): Promise<number[]> {
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => SEGMENT_RE.exec(e.name))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

export class SegmentLog {
  private activeLines = 0;
  private activeBytes = 0;
  private ops: Op[] = [];
  private scheduled = false;
  /** Resolves after the drain that is scheduled now (shared by the flushed() calls before it). */
  private waiter: Promise<void> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly handles = new Map<number, fs.FileHandle>();
  private reportedError = false;
  private closed = false;

  /** `active` is the first segment this log writes (a new file: never one that may end torn). */
  constructor(
    readonly dir: string,
    private active: number,
    private readonly maxLines: number,
    private readonly maxBytes: number,
    /** Called after rotation with the segment that stopped being active. */
    private readonly onRotate: (previous: number) => void = () => undefined,
  ) {}

  get activeSegment(): number {
    return this.active;
  }

  file(segment: number): string {
    return path.join(this.dir, segmentFileName(segment));
  }

  /** Append one line (without its newline); returns where it will be. */
  append(line: string): LinePosition {
    // After close (a record ending during shutdown after the log was flushed): not written.
    if (this.closed) return { segment: -1, offset: 0, length: 0 };
    const data = Buffer.from(`${line}\n`, 'utf8');
    if (this.activeLines > 0 && (this.activeLines >= this.maxLines || this.activeBytes + data.length > this.maxBytes)) {
      this.rotate();
    }
    const pos: LinePosition = { segment: this.active, offset: this.activeBytes, length: data.length - 1 };
    this.activeBytes += data.length;
    this.activeLines++;
    // Lines of one turn are gathered (no copying per append) and written with one call.
    const last = this.ops[this.ops.length - 1];
    if (last && last.kind === 'write' && last.segment === this.active && last.bytes < 1 << 20) {
      last.chunks.push(data);
      last.bytes += data.length;
    } else {
      this.ops.push({ kind: 'write', segment: this.active, chunks: [data], bytes: data.length });
    }
    this.kick();
    return pos;
  }

  /** Delete a whole segment (never the active one), after every write queued before. */
  remove(segment: number): void {
    if (segment === this.active || this.closed) return;
    this.ops.push({ kind: 'delete', segment });
    this.kick();
  }

  /** Resolves once every line appended before the call is written. */
  flushed(): Promise<void> {
    if (!this.ops.length && !this.scheduled) return this.chain;
    this.kick();
    // The chain after the next drain covers everything queued now; callers until that drain
    // share one waiter (one timer for all the answers of a turn).
    return (this.waiter ??= new Promise<void>((resolve) => {
      setImmediate(() => this.chain.then(resolve, resolve));
    }));
  }

  async close(): Promise<void> {
    await this.flushed();
    this.closed = true;
    await this.chain;
    for (const [seg, h] of this.handles) {
      this.handles.delete(seg);
      await h.close().catch(() => undefined);
    }
  }

  private rotate(): void {
    const previous = this.active;
    this.ops.push({ kind: 'close', segment: previous });
    this.active = previous + 1;
    this.activeLines = 0;
    this.activeBytes = 0;
    this.onRotate(previous);
  }

  private kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.waiter = undefined;
      const ops = this.ops;
      this.ops = [];
      if (ops.length) this.chain = this.chain.then(() => this.run(ops));
    });
  }

  private async run(ops: Op[]): Promise<void> {
    for (const op of ops) {
      try {
        if (op.kind === 'write') {
          let h = this.handles.get(op.segment);
          if (!h) {
            await fs.mkdir(this.dir, { recursive: true });
            h = await fs.open(this.file(op.segment), 'a');
            this.handles.set(op.segment, h);
          }
          await h.write(op.chunks.length === 1 ? op.chunks[0] : Buffer.concat(op.chunks, op.bytes));
        } else {
          const h = this.handles.get(op.segment);
          if (h) {
            this.handles.delete(op.segment);
            await h.close();
          }
          if (op.kind === 'delete') await fs.rm(this.file(op.segment), { force: true });
        }
      } catch (err) {
        if (!this.reportedError) {
          this.reportedError = true;
          console.error(`Flowgate emulator: could not write the execution history in ${this.dir}: ${(err as Error).message}`);
        }
      }
    }
  }
}

/**
 * Read the lines of a segment file as they are streamed, with their byte positions. A last line
 * without its newline (a write cut short by a crash) is reported as `torn`.
 */
export async function readSegment(
  file: string,
  onLine: (line: Buffer, offset: number, torn: boolean) => void,
): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    const stream = handle.createReadStream({ highWaterMark: 1 << 18, autoClose: false });
    let carry: Buffer = Buffer.alloc(0);
    let base = 0; // file offset of carry[0]
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(0x0a, start);
        if (nl < 0) break;
        if (nl > start) onLine(buf.subarray(start, nl), base + start, false);
        start = nl + 1;
      }
      carry = Buffer.from(buf.subarray(start));
      base += start;
    }
    if (carry.length) onLine(carry, base, true);
  } finally {
    await handle.close();
  }
}

/** Read one line back by its position. */
export async function readLine(file: string, pos: LinePosition): Promise<Buffer | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(pos.length);
    const { bytesRead } = await handle.read(buf, 0, pos.length, pos.offset);
    return bytesRead === pos.length ? buf : undefined;
  } finally {
    await handle.close();
  }
}
