/** What route modules share. */
import type { PackageSigningKeys } from '../signing/packageKeys';
import type { PackageTrust } from '../signing/trust';
import type { ExecutionManager } from '../executions/manager';
import type { PackageStore } from '../store/packageStore';
import type { SnmpService } from '../triggers/service';
import type { Scheduler } from '../schedules/scheduler';
import type { AuthService } from '../auth/service';
import type { AuditLog } from '../store/audit';
import type { SecretStore } from '../secrets/store';
import type { PromotionService } from '../promotion/service';

export interface GatewayContext {
  name: string;
  version: string;
  startedAt: string;
  store: PackageStore;
  executions: ExecutionManager;
  /** The SNMP trap receiver and triggers (absent in apps built without one). */
  snmp?: SnmpService;
  /** The schedules' cron tasks (absent in apps built without one). */
  scheduler?: Scheduler;
  /** Identity and access: the authorization server and the token check (absent in apps built without one: every route open). */
  auth?: AuthService;
  /** `<data>/audit.jsonl`: every management action and refused client authentication (absent: nothing recorded). */
  audit?: AuditLog;
  /** `<data>/secrets.json`: connection secrets (absent: no secret routes, no secret resolves). */
  secrets?: SecretStore;
  /** `<data>/signing/package-key.json`: the package-signing keys (absent: no /api/v1/gateway/keys). */
  packageKeys?: PackageSigningKeys;
  /** Promotion, target side: sources, imports, outbox (absent: no promotion routes). */
  promotion?: PromotionService;
  /**
   * Package signatures (signing/trust.ts): trusted signers (own keys, promotion sources' keys),
   * signing with the current key, and whether this gateway is a protected target (absent: files
   * neither verified nor signed, direct uploads allowed — apps built without keys).
   */
  trust?: PackageTrust;
}
