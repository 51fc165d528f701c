/**
 * A form's errors by field: what a reply's `errors` (or the page's own checks) say, kept per key
 * (`''` for the form as a whole). A field's key is the gateway's name for it (`inputs.who`).
 */
import type { ApiErrorDetail } from '../protocol/rpc';

export class FieldErrors {
  private readonly byField = new Map<string, string>();

  static of(errors: readonly ApiErrorDetail[]): FieldErrors {
    const f = new FieldErrors();
    for (const e of errors) f.add(e.field, e.message);
    return f;
  }

  add(field: string, message: string): void {
    const had = this.byField.get(field);
    this.byField.set(field, had ? `${had}; ${message}` : message);
  }

  get(field: string): string | undefined {
    return this.byField.get(field);
  }

  get size(): number {
    return this.byField.size;
  }

  /**
   * The errors no field of the form shows (the form-wide one and any field the form lacks), as one
   * line for the form's status: `shown` says which keys have a row.
   */
  rest(shown: (field: string) => boolean): string {
    return [...this.byField]
      .filter(([field]) => field === '' || !shown(field))
      .map(([field, message]) => (field ? `${field}: ${message}` : message))
      .join('; ');
  }
}
