/**
 * What the Triggers page's elements share: the type of the page's channel (the app connects it
 * once and hands it to the elements that make requests) and small helpers for replies' errors.
 */
import type { Channel } from '../kit/channel';
import type { ApiErrorDetail } from '../protocol/rpc';
import type { ExtensionToWebview, TriggersRequests, TriggersViewState, WebviewToExtension } from '../protocol/triggers';

export type TriggersChannel = Channel<TriggersRequests, ExtensionToWebview, WebviewToExtension, TriggersViewState>;

/** A status line's content. */
export interface Status {
  kind: 'info' | 'error';
  text: string;
}

export const info = (text: string): Status => ({ kind: 'info', text });
export const failure = (text: string): Status => ({ kind: 'error', text });

/** A refusal's errors for the request as a whole (`''`), as one line; `fallback` when there are none. */
export function wholeErrors(errors: readonly ApiErrorDetail[], fallback: string): string {
  return (
    errors
      .filter((e) => e.field === '')
      .map((e) => e.message)
      .join('; ') || fallback
  );
}

/** A refusal's errors of form fields. */
export function fieldErrors(errors: readonly ApiErrorDetail[]): ApiErrorDetail[] {
  return errors.filter((e) => e.field !== '');
}
