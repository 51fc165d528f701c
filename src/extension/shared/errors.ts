import * as vscode from 'vscode';
import { GatewayError } from '../../core/client/gatewayClient';
import { describeError, type Logger } from './log';

/** The text of an error for a message, with a gateway error's field details when it has any. */
export function errorText(err: unknown): string {
  if (err instanceof GatewayError && err.details.length > 0) {
    return `${err.message} (${err.details.map((d) => `${d.field}: ${d.message}`).join('; ')})`;
  }
  return describeError(err);
}

/**
 * Logs and shows an error that names what failed ("Flowgate: Publish to Dev Gateway failed: …"),
 * with a "Show Log" button. Never awaited: a caller must not hang on an open notification.
 */
export function showError(log: Logger, what: string, err: unknown): void {
  const text = `${what}: ${errorText(err)}`;
  log.error(text);
  // A gateway that wants credentials none were found for: the setting that gives them is one click away.
  const credentials = /needs credentials .* none were found/.test(text) || (err instanceof GatewayError && err.code === 'bad-credentials');
  notify('error', `Flowgate: ${text}`, ...(credentials ? [openGatewaySettingsAction()] : []), showLogAction(log));
}

/** Opens the Settings editor at `flowgate.gateways` (where a gateway's `credentialsFile` goes). */
export function openGatewaySettingsAction(): { title: string; run(): unknown } {
  return { title: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'flowgate.gateways') };
}

/** A message the extension showed (for the in-host tests: what a user read, and which buttons it had). */
export interface ShownMessage {
  kind: 'info' | 'warning' | 'error';
  modal: boolean;
  message: string;
  detail?: string;
  actions: string[];
}

/**
 * The messages shown, newest last (bounded), and — only when the extension runs in test or
 * development mode (the API's `messages.test`) — an answerer that stands in for the user: it gets
 * each message and returns the button to press (undefined: dismiss). A user's extension never sets it.
 */
export const shownMessages: { list: ShownMessage[]; answer?: (m: ShownMessage) => string | undefined } = { list: [] };

function record(m: ShownMessage): void {
  shownMessages.list.push(m);
  if (shownMessages.list.length > 200) shownMessages.list.shift();
}

/**
 * A modal question before a destructive action: says what will change (`detail`); true only when
 * `action` was pressed.
 */
export async function confirmModal(message: string, detail: string, action: string): Promise<boolean> {
  const m: ShownMessage = { kind: 'warning', modal: true, message, detail, actions: [action] };
  record(m);
  if (shownMessages.answer) return shownMessages.answer(m) === action;
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
}

/** A message with buttons that never blocks the command that shows it. */
export function notify(
  kind: 'info' | 'warning' | 'error',
  message: string,
  ...actions: { title: string; run(): unknown }[]
): void {
  const m: ShownMessage = { kind, modal: false, message, actions: actions.map((a) => a.title) };
  record(m);
  if (shownMessages.answer) {
    const picked = shownMessages.answer(m);
    void Promise.resolve().then(() => actions.find((a) => a.title === picked)?.run());
    return;
  }
  const show =
    kind === 'info'
      ? vscode.window.showInformationMessage
      : kind === 'warning'
        ? vscode.window.showWarningMessage
        : vscode.window.showErrorMessage;
  void show(message, ...actions.map((a) => a.title)).then((picked) => {
    actions.find((a) => a.title === picked)?.run();
  });
}

/** Thrown when the user dismisses a prompt; commands end quietly on it. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export function showProblemsAction(): { title: string; run(): unknown } {
  return { title: 'Show Problems', run: () => vscode.commands.executeCommand('workbench.actions.view.problems') };
}

export function showLogAction(log: Logger): { title: string; run(): unknown } {
  return { title: 'Show Log', run: () => log.show() };
}
