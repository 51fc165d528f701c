import * as vscode from 'vscode';
import type { LocalGateway } from './localGateway';

/** `$(server-process) Flowgate: running :8722` / `stopped`; clicking starts or stops the local gateway. */
export class LocalGatewayStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('flowgate.localGateway', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly gateway: LocalGateway) {
    this.item.name = 'Flowgate Local Gateway';
    this.subscription = gateway.onDidChangeState(() => this.update());
    this.update();
    this.item.show();
  }

  update(): void {
    const port = (() => {
      try {
        return new URL(this.gateway.url() ?? this.gateway.configuredUrl()).port;
      } catch {
        return '';
      }
    })();
    switch (this.gateway.state) {
      case 'running':
        this.item.text = `$(server-process) Flowgate: running :${port}`;
        this.item.tooltip = this.gateway.external
          ? `Flowgate gateway at ${this.gateway.url()} (not started by this window). Click to stop.`
          : `Flowgate local gateway at ${this.gateway.url()}. Click to stop.`;
        this.item.command = 'flowgate.stopLocalGateway';
        break;
      case 'starting':
        this.item.text = `$(loading~spin) Flowgate: starting :${port}`;
        this.item.tooltip = 'Starting the Flowgate local gateway…';
        this.item.command = 'flowgate.showLog';
        break;
      case 'stopping':
        this.item.text = `$(loading~spin) Flowgate: stopping`;
        this.item.tooltip = 'Stopping the Flowgate local gateway…';
        this.item.command = 'flowgate.showLog';
        break;
      default:
        this.item.text = `$(server-process) Flowgate: stopped`;
        this.item.tooltip = `The Flowgate local gateway (${this.gateway.configuredUrl()}) is not running. Click to start it.`;
        this.item.command = 'flowgate.startLocalGateway';
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
