/**
 * The process's one mask of connection secret values: every value a secret store of this process
 * holds (and every value it held since the process started: a running execution may still carry a
 * replaced or deleted one) is replaced by `***` in what the gateway records or answers about
 * executions (ExecutionManager: outputs, inputs, log lines, errors) and in what it writes to its
 * own stderr (main.ts `describeForLog`, the manager's warnings).
 *
 * Each value is masked as written, percent-encoded (a URL in an error message) and in base64 (a
 * Basic credential). The forms are indexed by a hash of their first characters, rebuilt when the
 * set changes, so a text is scanned once however many secrets there are.
 */
import { LIMITS } from '../../core/limits';

export const MASK = '***';

class SecretMask {
  /** Value → how many stores hold it now (0: a former value, kept in `former`). */
  private readonly live = new Map<string, number>();
  /** Values no store holds any more, oldest first (bounded). */
  private readonly former: string[] = [];
  private heads: Map<number, string[]> | null = null;
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

  /**
   * Every form to mask, indexed by a hash of its first HEAD characters (each form has at least
   * that many): a text is scanned once, position by position, and a form is compared only where
   * its head's hash matches — linear in the text whatever the number of secrets.
   */
  private index(): Map<number, string[]> | null {
    if (!this.dirty) return this.heads;
    const forms = new Set<string>();
    for (const v of [...this.live.keys(), ...this.former]) {
      forms.add(v);
      forms.add(encodeURIComponent(v));
      forms.add(encodeURI(v));
      const b64 = Buffer.from(v, 'utf8').toString('base64');
      forms.add(b64);
      forms.add(b64.replace(/=+$/, ''));
    }
    const heads = new Map<number, string[]>();
    for (const f of forms) {
      if (f.length < HEAD) continue;
      const h = headHash(f, 0);
      const list = heads.get(h) ?? [];
      list.push(f);
      heads.set(h, list);
    }
    // Longest first, so a value that contains another is masked whole.
    for (const list of heads.values()) list.sort((a, b) => b.length - a.length);
    this.heads = heads.size ? heads : null;
    this.dirty = false;
    return this.heads;
  }

  /** The text with every secret value replaced by `***`. */
  text(s: string): string {
    const heads = this.empty ? null : this.index();
    if (!heads || s.length < HEAD) return s;
    let out = '';
    let from = 0;
    const last = s.length - HEAD;
    for (let i = 0; i <= last; ) {
      const list = heads.get(headHash(s, i));
      const hit = list?.find((f) => s.startsWith(f, i));
      if (hit === undefined) {
        i++;
        continue;
      }
      out += s.slice(from, i) + MASK;
      i += hit.length;
      from = i;
    }
    return from === 0 ? s : out + s.slice(from);
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

/** Characters of a form's head (LIMITS.secretValueMin: no form is shorter). */
const HEAD = LIMITS.secretValueMin;
const headHash = (s: string, i: number): number => {
  let h = 0;
  for (let k = 0; k < HEAD; k++) h = (Math.imul(h, 31) + s.charCodeAt(i + k)) | 0;
  return h;
};

/** The process's mask (every gateway of the process adds its store's values). */
export const secretMask = new SecretMask();
