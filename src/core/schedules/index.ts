/** Schedules: cron validation, description, next runs and DST notes (node-cron 4 semantics). */
export { cronFields, cronNextRuns, cronProblems, normalizeCron, CronNeverRunsError, NICKNAMES } from './cron';
export { describeCron, bothDayFieldsRestricted } from './describe';
export { dstNotes, transitionsBetween } from './dst';
export { previewCron, timezoneProblems, CronPreviewError, DEFAULT_TIMEZONE, DEFAULT_PREVIEW_COUNT, MAX_PREVIEW_COUNT } from './preview';
export { validateScheduleSpec, toSchedule, type ScheduleFlowInfo } from './spec';
export { isValidTimeZone } from './timezone';
