import * as vscode from 'vscode';

/** The "Flowgate" output channel. Never log secret values (tokens, passwords, connection secrets). */
export class Logger implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('Flowgate', { log: true });
  }

  info(message: string): void {
    this.channel.info(message);
  }

  warn(message: string): void {
    this.channel.warn(message);
  }

  error(message: string, err?: unknown): void {
    if (err === undefined) this.channel.error(message);
    else this.channel.error(`${message}: ${describeError(err)}`);
  }

  debug(message: string): void {
    this.channel.debug(message);
  }

  /** Appends raw text lines (emulator output, execution logs) with a prefix. */
  lines(prefix: string, text: string, level: 'info' | 'warn' = 'info'): void {
    for (const line of text.split(/\r?\n/)) {
      if (line.trim() === '') continue;
      this.channel[level](`${prefix}${line}`);
    }
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

/** A person-readable message for anything thrown. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}
