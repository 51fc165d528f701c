/**
 * The process's one mask of connection secret values: every value a secret store of this process
 * holds (and every value it held since the process started: a running execution may still carry a
 * replaced or deleted one) is replaced by `***` in what the gateway records or answers about
 * executions (ExecutionManager: outputs, inputs, log lines, errors) and in what it writes to its
 * own stderr (main.ts `describeForLog`, the manager's warnings).
 *
 * Each value is masked as written, percent-encoded (a URL in an error message) and in base64 (a
 * Basic credential). One regular expression of all of them, rebuilt when the set changes, so a
 * text is scanned once however many secrets there are.
 */
import { LIMITS } from '../../core/limits';

export const MASK = '***';

class SecretMask {
  /** Value → how many stores hold it now (0: a former value, kept in `former`). */
  private readonly live = new Map<string, number>();
  /** Values no store holds any more, oldest first (bounded). */
  private readonly former: string[] = [];
  private pattern: RegExp | null = null;
  private dirty = false;

  /** A store holds this value (from now on it is masked). */
  add(value: string): void {
    if (value.length < LIMITS.secretValueMin) return;
    this.live.set(value, (this.live.get(value) ?? 0) + 1);
    this.dirty = true;
  }

  /** A store no longer holds it: still masked (executions may carry it), among the last former values. */
  remove(value: string): void {
    const n = this.live.get(value);
    if (n === undefined) return;
    if (n > 1) return void this.live.set(value, n - 1);
    this.live.delete(value);
    this.former.push(value);
    if (this.former.length > LIMITS.connectionSecrets) this.former.shift();
    this.dirty = true;
  }

  get empty(): boolean {
    return this.live.size === 0 && this.former.length === 0;
  }

  private regex(): RegExp | null {
    if (!this.dirty) return this.pattern;
    const forms = new Set<string>();
    for (const v of [...this.live.keys(), ...this.former]) {
      forms.add(v);
      forms.add(encodeURIComponent(v));
      forms.add(encodeURI(v));
      const b64 = Buffer.from(v, 'utf8').toString('base64');
      forms.add(b64);
      forms.add(b64.replace(/=+$/, ''));
    }
    // Longest first, so a value that contains another is masked whole.
    const sorted = [...forms].filter((f) => f.length >= LIMITS.secretValueMin).sort((a, b) => b.length - a.length);
    this.pattern = sorted.length ? new RegExp(sorted.map(escape).join('|'), 'g') : null;
    this.dirty = false;
    return this.pattern;
  }

  /** The text with every secret value replaced by `***`. */
  text(s: string): string {
    const re = this.empty ? null : this.regex();
    if (!re) return s;
    re.lastIndex = 0;
    return re.test(s) ? s.replace(re, MASK) : s;
  }

  /** A JSON-like value with every string (and key) masked; the same value when nothing needed masking. */
  value<T>(v: T): T {
    if (this.empty) return v;
    return this.walk(v) as T;
  }

  private walk(v: unknown): unknown {
    if (typeof v === 'string') return this.text(v);
    if (Array.isArray(v)) {
      let changed = false;
      const out = v.map((x) => {
        const y = this.walk(x);
        if (y !== x) changed = true;
        return y;
      });
      return changed ? out : v;
    }
    if (v && typeof v === 'object') {
      let changed = false;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const mk = this.text(k);
        const y = this.walk(x);
        if (mk !== k || y !== x) changed = true;
        out[mk] = y;
      }
      return changed ? out : v;
    }
    return v;
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** The process's mask (every gateway of the process adds its store's values). */
export const secretMask = new SecretMask();
