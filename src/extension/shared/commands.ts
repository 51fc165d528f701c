import * as vscode from 'vscode';
import { Cancelled, showError } from './errors';
import type { Logger } from './log';

/** A command handler: whatever the command's caller passes (a tree node, a URI, test options…). */
export type CommandHandler = (...args: unknown[]) => unknown;

/**
 * The one way Flowgate registers a command: errors become one message naming what failed
 * (`<title> failed: …`, with Show Log), a dismissed prompt (Cancelled) ends quietly, and the
 * registration is disposed with the extension.
 */
export function commandRegistrar(context: vscode.ExtensionContext, log: Logger): (id: string, title: string, handler: CommandHandler) => void {
  return (id, title, handler) => {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (err) {
          if (err instanceof Cancelled) return undefined;
          showError(log, `${title} failed`, err);
          return undefined;
        }
      }),
    );
  };
}
