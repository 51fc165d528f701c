/**
 * `<fg-trap-form>`: Send Test Trap — a trap described field by field (SNMP version; community,
 * agent address or SNMPv3 user; trap OID; varbinds; source address and port), checked with core's
 * testTrapProblems as it is typed, then sent for real over UDP by the extension (Send Trap) or
 * only evaluated by the gateway. SNMPv3 keys stay in this element until one Send takes them and
 * are wiped then; the rest of the form is `trap` (told with `trap-draft`, kept across hiding).
 * The gateway's answer is fired as `trap-result`.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { SNMP_VERSIONS } from '../../src/core/model/trigger';
import { testTrapProblems } from '../../src/core/snmp/testTrap';
import '../kit/statusLine';
import { PageElement } from '../kit/element';
import { FieldErrors } from '../kit/fieldErrors';
import { count } from '../kit/format';
import { button } from '../kit/parts';
import type { ApiErrorDetail } from '../protocol/rpc';
import type { SnmpVersion, TestTrap, TestTrapResult, TriggersSnapshot } from '../protocol/triggers';
import { radioField, row, selectField, textField } from './fields';
import { failure, fieldErrors, info, wholeErrors, type Status, type TriggersChannel } from './page';
import { varbindEditor, type Varbind } from './varbinds';

export type TrapDraft = Omit<TestTrap, 'keys'>;

export const DEFAULT_TRAP: TrapDraft = {
  version: 'v2c',
  community: 'public',
  agentAddress: '127.0.0.1',
  trapOid: '1.3.6.1.6.3.1.1.5.3',
  varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.1.2', type: 'Integer', value: '2' }],
  source: '127.0.0.1',
};

const FIELDS = new Set(['version', 'community', 'agentAddress', 'user', 'keys.authKey', 'keys.privKey', 'trapOid', 'varbinds', 'source', 'sourcePort']);

export class FgTrapForm extends PageElement {
  static override properties = {
    channel: { attribute: false },
    snapshot: { attribute: false },
    trap: { attribute: false },
    keys: { state: true },
    /** The source port as typed (a number only when it is one). */
    portText: { state: true },
    touched: { state: true },
    submitted: { state: true },
    server: { state: true },
    status: { state: true },
    running: { state: true },
  };

  declare channel: TriggersChannel | undefined;
  declare snapshot: TriggersSnapshot | undefined;
  declare trap: TrapDraft;
  declare keys: { authKey: string; privKey: string };
  declare portText: string | undefined;
  declare touched: ReadonlySet<string>;
  declare submitted: boolean;
  declare server: ApiErrorDetail[];
  declare status: Status;
  declare running: boolean;

  constructor() {
    super();
    this.channel = undefined;
    this.snapshot = undefined;
    this.trap = DEFAULT_TRAP;
    this.keys = { authKey: '', privKey: '' };
    this.portText = undefined;
    this.touched = new Set();
    this.submitted = false;
    this.server = [];
    this.status = info('');
    this.running = false;
  }

  private note(field: string): void {
    this.touched = new Set([...this.touched, field]);
    this.server = this.server.filter((e) => e.field !== field && !(field === 'varbinds' && e.field.startsWith('varbinds[')));
  }

  private edit(change: Partial<TrapDraft>, field: string): void {
    this.trap = { ...this.trap, ...change };
    this.note(field);
    this.emit('trap-draft', this.trap);
  }

  private setPort(text: string): void {
    this.portText = text;
    const t = text.trim();
    const { sourcePort: _old, ...rest } = this.trap;
    this.trap = { ...rest, ...(t ? { sourcePort: Number(t) } : {}) };
    this.note('sourcePort');
    this.emit('trap-draft', this.trap);
  }

  private setVarbinds(varbinds: Varbind[]): void {
    this.edit({ varbinds }, 'varbinds');
  }

  private user() {
    return this.snapshot?.users.find((u) => u.name === this.trap.user);
  }

  /** The trap as sent: the draft with the fields of its version only, and the keys for v3. */
  private read(): TestTrap {
    const t = this.trap;
    const users = this.snapshot?.users ?? [];
    const user = t.user && users.some((u) => u.name === t.user) ? t.user : (users[0]?.name ?? '');
    return {
      version: t.version,
      ...(t.version !== 'v3' ? { community: t.community ?? 'public' } : {}),
      ...(t.version === 'v1' ? { agentAddress: (t.agentAddress ?? '').trim() } : {}),
      ...(t.version === 'v3' ? { user, keys: { authKey: this.keys.authKey || undefined, privKey: this.keys.privKey || undefined } } : {}),
      trapOid: t.trapOid.trim(),
      varbinds: t.varbinds.map((v) => ({ ...v })),
      source: t.source.trim(),
      ...(t.sourcePort !== undefined ? { sourcePort: t.sourcePort } : {}),
    };
  }

  private problems(): ApiErrorDetail[] {
    return testTrapProblems(this.read(), this.snapshot?.users.map((u) => u.name));
  }

  private async run(kind: 'send' | 'evaluate'): Promise<void> {
    if (!this.channel || this.running) return;
    this.submitted = true;
    this.server = [];
    if (this.problems().length) {
      this.status = failure('Fix the marked fields first.');
      return;
    }
    const { keys, ...described } = this.read();
    // Keys leave the page with this one request (Send only) and are wiped from the form.
    this.keys = { authKey: '', privKey: '' };
    this.running = true;
    const target = this.snapshot?.trapTarget;
    this.status = info(kind === 'send' ? `Sending to ${target ? `${target.host}:${target.port}` : 'the gateway'}…` : 'Evaluating…');
    const reply = kind === 'send' ? await this.channel.request('sendTrap', { trap: { ...described, ...(keys ? { keys } : {}) } }) : await this.channel.request('evaluateTrap', { trap: described });
    this.running = false;
    if (!reply.ok) {
      this.server = fieldErrors(reply.errors);
      this.status = failure(wholeErrors(reply.errors, 'The gateway refused the trap: see the marked fields.'));
      return;
    }
    const r: TestTrapResult = reply.result;
    const matched = r.evaluations.filter((e) => e.matched).length;
    this.status = info(`${r.mode === 'sent' ? 'Sent and received' : 'Evaluated'}: ${matched} of ${count(r.evaluations.length, 'trigger')} matched.`);
    this.emit('trap-result', r);
  }

  protected override render(): TemplateResult {
    const snap = this.snapshot;
    const t = this.trap;
    const v = t.version;
    const users = snap?.users ?? [];
    const shown = new FieldErrors();
    // A varbind's problem shows at once (the row is what was just edited); the others once touched.
    for (const e of this.problems()) if (this.submitted || this.touched.has(e.field) || e.field.startsWith('varbinds[')) shown.add(e.field, e.message);
    for (const e of this.server) if (!shown.get(e.field)) shown.add(e.field, e.message);
    const err = (k: string) => shown.get(k);
    const rest = shown.rest((f) => FIELDS.has(f) || /^varbinds\[\d+\]$/.test(f));
    const target = snap?.trapTarget;
    const read = this.read();
    const authPriv = this.user()?.level === 'authPriv' || (!t.user && users[0]?.level === 'authPriv');
    const text = (id: string, field: string, value: string, on: (x: string) => void, placeholder: string, password = false) =>
      textField({ id, field, value, placeholder, password, on, invalid: !!err(field) });
    return html`<section class="form trap-form" aria-labelledby="trap-form-title">
      <h2 class="form-title" id="trap-form-title">Send Test Trap</h2>
      <p class="note muted">
        ${target
          ? `Traps go over UDP to ${target.host}:${target.port}, the gateway's SNMP trap port. The gateway then says which triggers matched and, for each that did not, the condition that failed.`
          : 'The gateway’s SNMP trap port is unknown: Evaluate still works.'}
      </p>
      ${row(
        { key: 'version', label: 'SNMP version', id: 'trap-version', required: true, error: err('version') },
        radioField({ id: 'trap-version', field: 'version', value: v, choices: SNMP_VERSIONS, on: (x) => this.edit({ version: x as SnmpVersion }, 'version') }),
      )}
      ${row({ key: 'community', label: 'Community', id: 'trap-community', error: err('community'), hidden: v === 'v3' }, text('trap-community', 'community', t.community ?? '', (x) => this.edit({ community: x }, 'community'), 'public'))}
      ${row(
        { key: 'agentAddress', label: 'Agent address', id: 'trap-agent', error: err('agentAddress'), hint: 'v1: the agent-addr field of the PDU.', hidden: v !== 'v1' },
        text('trap-agent', 'agentAddress', t.agentAddress ?? '', (x) => this.edit({ agentAddress: x }, 'agentAddress'), '127.0.0.1'),
      )}
      ${row(
        { key: 'user', label: 'SNMPv3 user', id: 'trap-user', required: true, error: err('user'), hint: 'A user configured on the gateway (SNMPv3 Users tab).', hidden: v !== 'v3' },
        selectField({
          id: 'trap-user',
          field: 'user',
          value: read.user ?? '',
          choices: users.length ? users.map((u) => ({ value: u.name, label: `${u.name} (${u.level}, ${u.authProtocol}${u.privProtocol ? `/${u.privProtocol}` : ''})` })) : [{ value: '', label: '(no SNMPv3 users on the gateway)' }],
          on: (x) => this.edit({ user: x }, 'user'),
        }),
      )}
      ${row(
        { key: 'keys.authKey', label: 'Auth key', id: 'trap-auth-key', error: err('keys.authKey'), hint: 'Used for this send only; not stored. Empty: VS Code asks for it.', hidden: v !== 'v3' },
        text('trap-auth-key', 'keys.authKey', this.keys.authKey, (x) => ((this.keys = { ...this.keys, authKey: x }), this.note('keys.authKey')), 'leave empty to be asked when sending', true),
      )}
      ${row(
        { key: 'keys.privKey', label: 'Privacy key', id: 'trap-priv-key', error: err('keys.privKey'), hint: 'authPriv users only.', hidden: v !== 'v3' || !authPriv },
        text('trap-priv-key', 'keys.privKey', this.keys.privKey, (x) => ((this.keys = { ...this.keys, privKey: x }), this.note('keys.privKey')), 'leave empty to be asked when sending', true),
      )}
      ${row(
        { key: 'trapOid', label: 'Trap OID', id: 'trap-oid', required: true, error: err('trapOid'), hint: 'snmpTrapOID.0 (v1: turned into enterprise / generic / specific trap).' },
        text('trap-oid', 'trapOid', t.trapOid, (x) => this.edit({ trapOid: x }, 'trapOid'), '1.3.6.1.6.3.1.1.5.3'),
      )}
      ${row(
        { key: 'varbinds', label: 'Varbinds', id: 'trap-varbinds', error: err('varbinds') },
        varbindEditor({
          varbinds: t.varbinds,
          errors: (i) => err(`varbinds[${i}]`),
          change: (i, vb) => this.setVarbinds(t.varbinds.map((x, j) => (j === i ? vb : x))),
          add: () => this.setVarbinds([...t.varbinds, { oid: '', type: 'OctetString', value: '' }]),
          remove: (i) => this.setVarbinds(t.varbinds.filter((_, j) => j !== i)),
        }),
      )}
      ${row(
        {
          key: 'source',
          label: 'Source address',
          id: 'trap-source',
          required: true,
          error: err('source'),
          hint: 'The local address to send from: 127.0.0.1, or another loopback such as 127.0.0.2 to exercise address conditions.',
        },
        text('trap-source', 'source', t.source, (x) => this.edit({ source: x }, 'source'), '127.0.0.1'),
      )}
      ${row(
        { key: 'sourcePort', label: 'Source port', id: 'trap-source-port', error: err('sourcePort'), hint: 'Optional (default: any free port).' },
        text('trap-source-port', 'sourcePort', this.portText ?? (t.sourcePort !== undefined ? String(t.sourcePort) : ''), (x) => this.setPort(x), 'any'),
      )}
      ${rest ? html`<div class="form-error" role="alert">${rest}</div>` : nothing}
      <div class="form-buttons">
        ${button('Send Trap', () => void this.run('send'), { icon: 'send', cls: 'send-trap', disabled: this.running })}
        ${button('Evaluate without sending', () => void this.run('evaluate'), { icon: 'beaker', secondary: true, cls: 'evaluate-trap', disabled: this.running })}
        <fg-status-line class="trap-status" .kind=${this.status.kind} .text=${this.status.text}></fg-status-line>
      </div>
    </section>`;
  }
}
customElements.define('fg-trap-form', FgTrapForm);

declare global {
  interface HTMLElementTagNameMap {
    'fg-trap-form': FgTrapForm;
  }
  interface HTMLElementEventMap {
    'trap-draft': CustomEvent<TrapDraft>;
    'trap-result': CustomEvent<TestTrapResult>;
  }
}
