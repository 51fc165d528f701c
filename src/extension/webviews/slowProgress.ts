import * as vscode from 'vscode';

/** A gateway call that takes longer than this gets a progress notification. */
const SLOW_MS = 700;

/**
 * Runs a gateway call; when it is still running after SLOW_MS, a progress notification with
 * `title` shows until it ends (quick calls leave no notification behind).
 */
export async function withSlowProgress<T>(title: string, task: () => Promise<T>): Promise<T> {
  const running = task();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = running.then(
    () => undefined,
    () => undefined,
  );
  timer = setTimeout(() => {
    timer = undefined;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, () => done);
  }, SLOW_MS);
  try {
    return await running;
  } finally {
    if (timer) clearTimeout(timer);
  }
}
