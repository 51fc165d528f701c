/**
 * What the Triggers and SNMPv3 Users tabs share: the channel and snapshot they are given, the open
 * form's draft (told with the tab's draft event so the app keeps it across hiding), the rows a
 * request is under way for (`busy`), the tab's status line, and how a row's request runs.
 */
import type { PropertyDeclarations } from 'lit';
import type { Reply } from '../protocol/rpc';
import type { TriggersSnapshot } from '../protocol/triggers';
import { PageElement } from '../kit/element';
import { failure, info, wholeErrors, type Status, type TriggersChannel } from './page';

export abstract class ListTab<Draft> extends PageElement {
  static override properties: PropertyDeclarations = {
    channel: { attribute: false },
    snapshot: { attribute: false },
    draft: { attribute: false },
    busy: { state: true },
    status: { state: true },
  };

  declare channel: TriggersChannel | undefined;
  declare snapshot: TriggersSnapshot | undefined;
  declare draft: Draft | undefined;
  /** Keys of the rows a request is under way for (their buttons are disabled). */
  declare busy: ReadonlySet<string>;
  declare status: Status;
  /** Each opening of the form is a fresh form (its touched fields and errors start empty). */
  protected opened = 0;

  /** The event that tells the app of every change of the draft (`trigger-draft`, `user-draft`). */
  protected abstract readonly draftEvent: string;

  constructor() {
    super();
    this.channel = undefined;
    this.snapshot = undefined;
    this.draft = undefined;
    this.busy = new Set();
    this.status = info('');
  }

  protected setDraft(draft: Draft | undefined): void {
    this.draft = draft;
    this.emit(this.draftEvent, draft);
  }

  protected openDraft(draft: Draft): void {
    this.opened++;
    this.setDraft(draft);
  }

  /**
   * Runs one row's request with the row marked busy, then says `done` or why it failed (`failed`
   * names what could not be done). Resolves with the reply (undefined when there is no channel).
   */
  protected async rowRequest<T>(key: string, request: (channel: TriggersChannel) => Promise<Reply<T>>, done: string, failed: string): Promise<Reply<T> | undefined> {
    if (!this.channel) return undefined;
    this.busy = new Set([...this.busy, key]);
    const reply = await request(this.channel);
    this.busy = new Set([...this.busy].filter((k) => k !== key));
    this.status = reply.ok ? info(done) : failure(wholeErrors(reply.errors, failed));
    return reply;
  }
}
