/**
 * The gateway's activity log: one short line per thing it did — a package uploaded, a version
 * published or unpublished (and the other management actions of the audit trail), an execution
 * started and ended (flow, package@version, id, status, duration), a schedule fired, a trap received
 * (source, OID, which triggers matched). The process entry prints them on stdout (`main.ts`), where
 * VS Code's "Flowgate Gateway" output channel shows them.
 *
 * It listens to what already exists — the execution manager's `change` events, the audit trail's
 * records, the SNMP service's received traps — so no route or engine code logs by itself. What it
 * prints are names, ids, numbers and statuses only: never an input or output value, a community,
 * a body or a secret (execution summaries, audit records and the trap's source/OID carry none).
 * Names that came from a package are printed with control characters escaped: one event, one line.
 */
import type { ExecutionSummary } from '../core/api/types';
import type { ExecutionManager } from './executions/manager';
import type { AuditLog, AuditRecord } from './store/audit';
import type { ReceivedTrapNotice, SnmpService } from './triggers/service';

export type ActivityWriter = (line: string) => void;

/** Executions whose start was printed and whose end was not yet (bounded; older ones forgotten). */
const MAX_TRACKED = 10_000;

/** Control characters as `\u{..}` and at most `max` characters: a name from a package cannot forge a line. */
export function printable(value: unknown, max = 200): string {
  const s = String(value ?? '');
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** `1.2 s`, `850 ms`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function initiatorText(e: ExecutionSummary): string {
  const i = e.initiator;
  switch (i.type) {
    case 'user':
    case 'client':
      return `by ${i.type} ${printable(i.name, 80)}`;
    case 'schedule':
      return `by schedule "${printable(i.name, 80)}"`;
    case 'trigger':
      return `by trigger "${printable(i.name, 80)}"`;
    case 'flow':
      return `as a child of ${printable(i.executionId, 64)}`;
    default:
      return 'anonymously';
  }
}

const where = (e: ExecutionSummary) => `${printable(e.packageName, 100)}@${e.packageVersion}`;
const finished = (status: string) => status === 'Ended' || status === 'Error' || status === 'Stopped';

/** The line of a management action (audit record), or undefined for those not worth a line (reads are not audited anyway). */
export function auditLine(r: Omit<AuditRecord, 'at'>): string | undefined {
  if (r.action === 'auth-failure') return undefined; // the audit trail keeps these; a failed sign-in is not activity
  const pkg = r.package ? printable(r.package, 100) : undefined;
  const versions = r.versions?.length ? r.versions.join(', ') : undefined;
  const target = pkg ? `${pkg}${versions ? `@${versions}` : ''}` : undefined;
  const ok = r.status === undefined || r.status < 400;
  const outcome = ok ? '' : ` — refused (${r.status})`;
  const by = r.by ? ` by ${printable(r.by, 80)}` : '';
  const names: Record<string, string> = {
    'upload-package': 'uploaded',
    publish: 'published',
    unpublish: 'unpublished',
    'set-default-version': 'made the default version:',
    'set-default-package': 'made the default package:',
    'delete-package': 'deleted package',
    'delete-version': 'deleted',
    'new-version': 'created a new version:',
  };
  const verb = names[r.action];
  if (verb) return `${verb} ${target ?? '?'}${by}${outcome}`;
  // Any other management action: its name and target, so nothing an Admin did is missing.
  const extra = [target, r.schedule ? `schedule ${printable(r.schedule, 64)}` : '', r.trigger ? `trigger ${printable(r.trigger, 64)}` : '', r.execution ? `execution ${printable(r.execution, 64)}` : '', r.secret ? `secret ${printable(r.secret, 64)}` : '']
    .filter(Boolean)
    .join(' ');
  return `${printable(r.action, 64)}${extra ? ` ${extra}` : ''}${by}${outcome}`;
}

/** The line of a received trap: its source, its OID and the triggers it matched. */
export function trapLine(t: ReceivedTrapNotice): string {
  const matched = t.matched.length
    ? `matched ${t.matched.map((m) => `"${printable(m.trigger, 80)}" (${printable(m.packageName, 100)}@${m.version})`).join(', ')}`
    : `matched no trigger (of ${t.triggers})`;
  return `trap ${printable(t.version, 8)} from ${printable(t.address, 64)}:${t.port} OID ${printable(t.trapOid, 200)} — ${matched}`;
}

/**
 * Subscribes the activity log to a gateway's parts; answers the function that unsubscribes. Lines
 * are written without a timestamp prefix (the output channel adds its own).
 */
export function attachActivityLog(parts: { executions: ExecutionManager; audit?: AuditLog; snmp?: SnmpService }, write: ActivityWriter): () => void {
  const started = new Set<string>();
  const say = (line: string) => {
    try {
      write(line);
    } catch {
      /* a closed stdout must not take a route down */
    }
  };

  const onChange = (e: ExecutionSummary) => {
    if (!finished(e.status)) {
      if (e.status !== 'Running' || started.has(e.id)) return;
      started.add(e.id);
      if (started.size > MAX_TRACKED) started.delete(started.values().next().value as string);
      if (e.initiator.type === 'schedule') say(`schedule "${printable(e.initiator.name, 80)}" fired: ${printable(e.flow)} (${where(e)})`);
      say(`execution ${e.id} started: ${printable(e.flow)} (${where(e)}) ${initiatorText(e)}`);
      return;
    }
    started.delete(e.id);
    say(`execution ${e.id} ${e.status.toLowerCase()}: ${printable(e.flow)} (${where(e)}) — ${e.status} after ${formatDuration(e.durationMs)}`);
  };
  parts.executions.events.on('change', onChange);
  const offAudit = parts.audit?.onAppend((r) => {
    const line = auditLine(r);
    if (line) say(line);
  });
  const offTrap = parts.snmp?.onReceived((t) => say(trapLine(t)));
  return () => {
    parts.executions.events.off('change', onChange);
    offAudit?.();
    offTrap?.();
  };
}
