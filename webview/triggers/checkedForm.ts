/**
 * What the trigger and SNMPv3 user forms share: the draft they edit, the page's channel, the
 * gateway's users, which fields were touched, whether Save was pressed, the gateway's last refusal
 * (field errors, each shown until its field changes), the form's status line and whether a save
 * is under way — and the rule for which errors show: a field's own problem once it was touched (all
 * after Save), else the gateway's refusal.
 */
import type { PropertyDeclarations } from 'lit';
import type { ApiErrorDetail } from '../protocol/rpc';
import type { SnmpUserSummary } from '../protocol/triggers';
import { PageElement } from '../kit/element';
import { FieldErrors } from '../kit/fieldErrors';
import { info, type Status, type TriggersChannel } from './page';

export abstract class CheckedForm<Draft> extends PageElement {
  static override properties: PropertyDeclarations = {
    channel: { attribute: false },
    users: { attribute: false },
    draft: { attribute: false },
    touched: { state: true },
    submitted: { state: true },
    server: { state: true },
    status: { state: true },
    saving: { state: true },
  };

  declare channel: TriggersChannel | undefined;
  declare users: SnmpUserSummary[];
  declare draft: Draft;
  declare touched: ReadonlySet<string>;
  declare submitted: boolean;
  /** The last refusal's field errors, each until its field changes. */
  declare server: ApiErrorDetail[];
  declare status: Status;
  declare saving: boolean;

  constructor(draft: Draft) {
    super();
    this.channel = undefined;
    this.users = [];
    this.draft = draft;
    this.touched = new Set();
    this.submitted = false;
    this.server = [];
    this.status = info('');
    this.saving = false;
  }

  /** These fields were changed: they are touched and lose the gateway's last refusal. `key` maps an error's field to its form field. */
  protected note(fields: readonly string[], key: (field: string) => string = (f) => f): void {
    this.touched = new Set([...this.touched, ...fields]);
    this.server = this.server.filter((e) => !fields.includes(key(e.field)));
  }

  /** The errors the fields show, by form field (`key` maps an error's field to it). */
  protected shownErrors(problems: readonly ApiErrorDetail[], key: (field: string) => string = (f) => f): FieldErrors {
    const shown = new FieldErrors();
    for (const e of problems) if (this.submitted || this.touched.has(key(e.field))) shown.add(key(e.field), e.message);
    for (const e of this.server) if (!shown.get(key(e.field))) shown.add(key(e.field), e.message);
    return shown;
  }
}
