import type * as vscode from 'vscode';

/** What a registry keeps: a webview panel that can be revealed, disposed, and says when it closes. */
export interface RegisteredPanel extends vscode.Disposable {
  readonly onDidDispose: vscode.Event<void>;
}

/**
 * The open panels of one kind (Executions, Schedules, Triggers, Authorisation), one per key (a
 * version, a scope): showing a key again reveals its panel instead of opening a second one; a
 * closed panel leaves the registry.
 */
export class PanelRegistry<P extends RegisteredPanel> implements vscode.Disposable {
  private readonly panels = new Map<string, P>();

  /** The panel of `key`: the open one, revealed by `reveal`, else a new one from `create`. */
  protected open(key: string, create: () => P, reveal: (panel: P) => void): P {
    const open = this.panels.get(key);
    if (open) {
      reveal(open);
      return open;
    }
    const panel = create();
    this.panels.set(key, panel);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
    return panel;
  }

  /** The open panel of a key (what the commands answer). */
  get(key: string): P | undefined {
    return this.panels.get(key);
  }

  all(): P[] {
    return [...this.panels.values()];
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    this.panels.clear();
  }
}

/**
 * A registry whose panels are opened by scope (a version, an import): `show(scope)` reveals the
 * open panel of the scope's key, else opens one with `create`.
 */
export class ScopedPanels<Scope, P extends RegisteredPanel & { reveal(): void }> extends PanelRegistry<P> {
  constructor(
    private readonly keyOf: (scope: Scope) => string,
    private readonly create: (scope: Scope) => P,
  ) {
    super();
  }

  show(scope: Scope): P {
    return this.open(this.keyOf(scope), () => this.create(scope), (p) => p.reveal());
  }
}
