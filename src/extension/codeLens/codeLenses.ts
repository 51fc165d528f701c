import * as vscode from 'vscode';
import { classifyPath } from '../../core/workspace/layout';
import type { Services } from '../shared/services';

const SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.flow.yaml' },
  { scheme: 'file', pattern: '**/*.package.yaml' },
];

/**
 * Code lenses at the top of a file: "Run" on a flow (flowgate.runFlow with the file's URI: the
 * flow as it is in the editor), "Validate", "Validate Against Gateway" and "Publish" on a package
 * draft (each command takes the draft file's URI). `flowgate.codeLens.enabled` turns them off.
 */
export class FlowgateCodeLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly s: Services) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('flowgate.codeLens.enabled')) this.changed.fire();
    });
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('flowgate').get<boolean>('codeLens.enabled', true)) return [];
    const rel = this.s.model.relPath(document.uri);
    const where = rel ? classifyPath(rel) : undefined;
    if (!where) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const lens = (title: string, command: string, tooltip: string) => new vscode.CodeLens(top, { title, command, tooltip, arguments: [document.uri] });
    if (where.kind === 'flow') return [lens('$(play) Run', 'flowgate.runFlow', `Run ${where.id} as it is in the editor on the local gateway`)];
    if (where.kind === 'package') {
      return [
        lens('$(check) Validate', 'flowgate.validatePackage', `Validate package ${where.name}`),
        lens('$(cloud) Validate Against Gateway', 'flowgate.validateAgainstGateway', `Validate package ${where.name} against a gateway`),
        lens('$(cloud-upload) Publish', 'flowgate.publishToDevGateway', `Publish package ${where.name} to the dev gateway`),
      ];
    }
    return [];
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

export function registerCodeLenses(context: vscode.ExtensionContext, s: Services): void {
  const provider = new FlowgateCodeLenses(s);
  context.subscriptions.push(provider, vscode.languages.registerCodeLensProvider(SELECTOR, provider));
}
