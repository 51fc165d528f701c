/** What route modules share. */
import type { ExecutionManager } from '../executions/manager';
import type { PackageStore } from '../store/packageStore';

export interface GatewayContext {
  name: string;
  version: string;
  startedAt: string;
  store: PackageStore;
  executions: ExecutionManager;
}
