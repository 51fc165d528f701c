/**
 * The local gateway's commands: Start, Stop (asking first while executions run there — from the
 * palette, the view title or the status bar alike), Restart, Show Gateway Log; and auto-start.
 */
import { confirmStopGateway } from '../gatewayActions/confirmations';
import { config } from '../shared/config';
import { notify } from '../shared/errors';
import type { Services } from '../shared/services';
import type { RegisterCommand } from '../gatewayActions/registerActions';

export function registerLocalGatewayCommands(s: Services, command: RegisterCommand): void {
  const local = s.local;
  command('flowgate.startLocalGateway', 'Start Local Gateway', async () => {
    const wasRunning = local.isRunning();
    const url = await local.start();
    if (!wasRunning && !local.external) notify('info', `Flowgate: local gateway running at ${url}.`, { title: 'Show Gateway Log', run: () => local.showGatewayLog() });
    return url;
  });
  command('flowgate.stopLocalGateway', 'Stop Local Gateway', async (options) => {
    if (!local.isRunning()) {
      notify('info', 'Flowgate: the local gateway is not running.');
      return false;
    }
    const url = local.url();
    if (local.external) {
      notify('info', `Flowgate: the gateway at ${url} was not started by this window; it keeps running. Stop it where it was started.`);
      return false;
    }
    await confirmStopGateway(await local.runningExecutions(), url ?? local.configuredUrl(), options);
    return local.stop();
  });
  command('flowgate.restartLocalGateway', 'Restart Local Gateway', async (options) => {
    if (local.isRunning() && !local.external) await confirmStopGateway(await local.runningExecutions(), local.url() ?? local.configuredUrl(), options);
    const url = await local.restart();
    notify('info', `Flowgate: local gateway restarted at ${url}.`);
    return url;
  });
  command('flowgate.showGatewayLog', 'Show Gateway Log', () => local.showGatewayLog());

  // Auto-start (flowgate.localGateway.autoStart): the extension activates only in a Flowgate workspace.
  const timer = setTimeout(() => {
    if (!config.localAutoStart()) return;
    void local
      .recheck()
      .then(() => (local.isRunning() ? undefined : local.start()))
      .catch((err) => s.log.error('Auto-start of the local gateway failed', err));
  }, 0);
  s.context.subscriptions.push({ dispose: () => clearTimeout(timer) });
}
