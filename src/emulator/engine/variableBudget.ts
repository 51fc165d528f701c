/**
 * Memory budgets of running executions: the bytes of variables one execution holds
 * (LIMITS.executionVariablesBytes) and all running executions of the gateway together
 * (LIMITS.executionsVariablesBytes). Every assignment of a variable goes through `assign`, which
 * measures the value (bounded walk) and fails the step with `budget-exceeded` rather than let a
 * flow grow without bound. An execution releases its share when it ends.
 */
import { LIMITS } from '../../core/limits';
import { FlowError } from './errors';
import { formatBytes, measure } from './valueSize';

/** What the gateway's running executions hold, together. */
export class GatewayMemory {
  used = 0;
}

export class VariableBudget {
  private readonly sizes = new Map<string, number>();
  private total = 0;
  private released = false;

  constructor(private readonly gateway: GatewayMemory) {}

  /** Bytes this execution's variables take (as measured). */
  get bytes(): number {
    return this.total;
  }

  /** `vars[name] = value`, within the budgets; throws FlowError('budget-exceeded') otherwise. */
  assign(vars: Record<string, unknown>, name: string, value: unknown): void {
    const m = measure(value, LIMITS.executionVariablesBytes);
    const old = this.sizes.get(name) ?? 0;
    const total = this.total - old + m.bytes;
    if (m.over || total > LIMITS.executionVariablesBytes) {
      throw new FlowError(
        'budget-exceeded',
        m.tooDeep
          ? `variable '${name}' would nest deeper than ${LIMITS.jsonDepth * 2} levels`
          : `variable '${name}' would bring this execution's variables past their memory budget (${formatBytes(LIMITS.executionVariablesBytes)})`,
      );
    }
    if (!this.released && this.gateway.used - old + m.bytes > LIMITS.executionsVariablesBytes) {
      throw new FlowError(
        'budget-exceeded',
        `variable '${name}' would bring the variables of all running executions past their memory budget (${formatBytes(LIMITS.executionsVariablesBytes)})`,
      );
    }
    if (!this.released) this.gateway.used += m.bytes - old;
    this.total = total;
    this.sizes.set(name, m.bytes);
    // An own property whatever the name (`__proto__` included): never a prototype change.
    Object.defineProperty(vars, name, { value, enumerable: true, writable: true, configurable: true });
  }

  /** The execution ended: its variables no longer count against the gateway. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.gateway.used -= this.total;
  }
}
