/**
 * Everything a command prints goes through an Output: human text (with colours only when stdout
 * is a terminal and NO_COLOR is not set) or, with `--json`, exactly one JSON document on stdout.
 */
import type { Writable } from 'node:stream';

export interface OutputOptions {
  json: boolean;
  stdout?: Writable & { isTTY?: boolean };
  stderr?: Writable;
  env?: NodeJS.ProcessEnv;
}

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';

const CODES: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const noColor = env.NO_COLOR;
  return Boolean(stream.isTTY) && (noColor === undefined || noColor === '');
}

export class Output {
  readonly json: boolean;
  readonly color: boolean;
  private readonly stdout: Writable;
  private readonly stderr: Writable;
  private documentWritten = false;

  constructor(opts: OutputOptions) {
    this.json = opts.json;
    const stdout = opts.stdout ?? process.stdout;
    this.stdout = stdout;
    this.stderr = opts.stderr ?? process.stderr;
    this.color = !opts.json && colorEnabled(stdout, opts.env ?? process.env);
  }

  style(style: Style, text: string): string {
    if (!this.color) return text;
    const [open, close] = CODES[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  }

  /** A line of human output on stdout; suppressed in JSON mode. */
  line(text = ''): void {
    if (!this.json) this.stdout.write(`${text}\n`);
  }

  /** A warning or note on stderr (both modes: stderr never holds the JSON document). */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  /** The command's JSON document (JSON mode only; at most one per run). */
  document(value: unknown): void {
    if (!this.json || this.documentWritten) return;
    this.documentWritten = true;
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** An error: `{"error": {...}}` on stdout in JSON mode, `error: message` on stderr otherwise. */
  error(error: { code: string; message: string; [k: string]: unknown }, lines: string[] = []): void {
    if (this.json) {
      this.document({ error });
      return;
    }
    this.stderr.write(`${this.style('red', 'error')}: ${error.message}\n`);
    for (const l of lines) this.stderr.write(`${l}\n`);
  }
}
