/**
 * The sample draft (examples/packages/network-ops.package.yaml) ends with its schedules and
 * triggers. Tests that write their own give the draft's text without those sections.
 */
export function withoutSchedulesAndTriggers(draftText: string): string {
  const at = draftText.search(/^schedules:/m);
  if (at < 0) throw new Error('the sample draft has no schedules section to leave out');
  const rest = draftText.slice(at);
  if (/^(?!schedules:|triggers:|[ \t]|$)/m.test(rest)) throw new Error('the sample draft has other sections after its schedules and triggers');
  return draftText.slice(0, at);
}
