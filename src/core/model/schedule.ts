/**
 * A schedule of a package version: runs one flow on a cron expression. Carried by package drafts
 * and package files (without `id`), and managed on a gateway per version (with `id`).
 *
 * Cron semantics (node-cron 4): five fields, or six with a leading seconds field; `L`, `W` and `#`
 * are supported. When both day-of-month and day-of-week are restricted, a day must match BOTH
 * (AND) — unlike classic cron, which runs when either matches. The next-run preview computes
 * with the same rules, so what it shows is what runs. The time zone defaults to UTC. Around DST
 * changes a repeated autumn hour runs once and a nonexistent spring time does not run that day.
 */
export interface ScheduleSpec {
  name: string;
  description?: string;
  /** Flow id within the package version. */
  flow: string;
  type: 'CRON';
  expression: string;
  /** IANA time zone, e.g. `Europe/London`; default `UTC`. */
  timezone?: string;
  /** Values for the flow's inputs (literals; checked against the flow's declared inputs). */
  inputs?: Record<string, unknown>;
  /** Default true. */
  enabled?: boolean;
}

export interface Schedule extends Required<Omit<ScheduleSpec, 'description'>> {
  id: string;
  description?: string;
}
