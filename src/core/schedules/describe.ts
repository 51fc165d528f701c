/**
 * A cron expression in words, e.g. `every 5 minutes`, `at 02:30 on Monday`, `at second 0 of
 * every minute`. When both day fields are restricted the words say that a day must match both.
 * Expects an expression that `cronProblems` accepts.
 */
import { cronFields } from './cron';
import { formatClock } from './timezone';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const isAll = (f: string) => f === '*' || f === '?' || f === '*/1';
const isNum = (f: string) => /^\d+$/.test(f);
const isNumList = (f: string) => /^\d+(,\d+)*$/.test(f);
const stepOf = (f: string) => /^\*\/(\d+)$/.exec(f)?.[1];

function ordinal(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

function joinWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function dayName(token: string): string {
  const n = isNum(token) ? Number(token) % 7 : DAYS.findIndex((d) => d.slice(0, 3).toLowerCase() === token.slice(0, 3).toLowerCase());
  return n >= 0 ? DAYS[n] : token;
}

function monthName(token: string): string {
  const n = isNum(token) ? Number(token) - 1 : MONTHS.findIndex((m) => m.slice(0, 3).toLowerCase() === token.slice(0, 3).toLowerCase());
  return MONTHS[n] ?? token;
}

/**
 * One field: `minute 5`, `minutes 0, 15 and 30`, `minutes 10 through 20`, `every 2nd hour from 8
 * through 18`. `name` turns a value into words (days, months); then no unit is written.
 */
function fieldWords(field: string, unit: string, name?: (t: string) => string): string {
  const show = name ?? ((t: string) => t);
  const parts = field.split(',');
  const phrases = parts.map((p) => {
    let m: RegExpExecArray | null;
    if (isAll(p)) return `every ${unit}`;
    if ((m = /^\*\/(\d+)$/.exec(p))) return `every ${ordinal(Number(m[1]))} ${unit}`;
    if ((m = /^([^-/]+)-([^-/]+)\/(\d+)$/.exec(p))) return `every ${ordinal(Number(m[3]))} ${unit} from ${show(m[1])} through ${show(m[2])}`;
    if ((m = /^([^-/]+)\/(\d+)$/.exec(p))) return `every ${ordinal(Number(m[2]))} ${unit} from ${show(m[1])}`;
    if ((m = /^([^-/]+)-([^-/]+)$/.exec(p))) return `${show(m[1])} through ${show(m[2])}`;
    return show(p);
  });
  if (name) return joinWords(phrases);
  const plain = parts.every((p) => isNum(p) || /^\d+-\d+$/.test(p));
  if (plain) return `${unit}${parts.length > 1 || parts[0].includes('-') ? 's' : ''} ${joinWords(phrases)}`;
  return joinWords(phrases.map((p, i) => (isNum(parts[i]) ? `${unit} ${p}` : p)));
}

function timeWords(sec: string, min: string, hour: string, hasSeconds: boolean): { words: string; fixedClock: boolean } {
  // Fixed clock times: `at 02:30`, `at 09:00 and 17:00`.
  if (isNum(sec) && isNumList(min) && isNumList(hour)) {
    const hours = hour.split(',').map(Number);
    const mins = min.split(',').map(Number);
    if (hours.length * mins.length <= 6) {
      const times = hours.flatMap((h) => mins.map((m) => formatClock(h, m, Number(sec))));
      return { words: `at ${joinWords(times)}`, fixedClock: true };
    }
  }
  const secStep = stepOf(sec);
  let secPart: string | null = null;
  if (isAll(sec)) secPart = 'every second';
  else if (secStep) secPart = `every ${secStep} seconds`;
  else if (hasSeconds && !(sec === '0' && !(isAll(min) && isAll(hour)))) secPart = `at ${fieldWords(sec, 'second')}`;

  const minStep = stepOf(min);
  let minPart: string | null;
  if (isAll(min)) minPart = secPart && secPart.startsWith('every') ? null : 'every minute';
  else if (minStep) minPart = `every ${minStep} minutes`;
  else minPart = `at ${fieldWords(min, 'minute')}`;

  const hourStep = stepOf(hour);
  let hourPart: string | null = null;
  const range = /^(\d+)-(\d+)$/.exec(hour);
  if (isAll(hour)) hourPart = null;
  else if (hourStep) hourPart = `past every ${ordinal(Number(hourStep))} hour`;
  else if (isNum(hour)) hourPart = `from ${formatClock(Number(hour), 0)} to ${formatClock(Number(hour), 59)}`;
  else if (range) hourPart = `from ${formatClock(Number(range[1]), 0)} to ${formatClock(Number(range[2]), 59)}`;
  else hourPart = `during ${fieldWords(hour, 'hour')}`;

  const pieces: string[] = [];
  if (secPart) pieces.push(secPart);
  if (minPart) {
    if (secPart && secPart.startsWith('at') && minPart === 'every minute') pieces[pieces.length - 1] += ' of every minute';
    else pieces.push(minPart);
  }
  if (hourPart && hourPart.startsWith('past') && pieces.length) pieces[pieces.length - 1] += ` ${hourPart}`;
  else if (hourPart) pieces.push(hourPart);
  else if (minPart && minPart.startsWith('at')) pieces[pieces.length - 1] += ' of every hour';
  return { words: pieces.join(', '), fixedClock: false };
}

function dayOfMonthWords(field: string): string {
  const parts = field.split(',');
  const special = parts.map((p) => {
    let m: RegExpExecArray | null;
    if (/^L$/i.test(p)) return 'the last day of the month';
    if (/^LW$/i.test(p)) return 'the last weekday (Monday to Friday) of the month';
    if ((m = /^L-(\d+)$/i.exec(p))) return `${m[1]} day${m[1] === '1' ? '' : 's'} before the last day of the month`;
    if ((m = /^(\d+)W$/i.exec(p))) return `the weekday (Monday to Friday) nearest day ${m[1]} of the month`;
    return null;
  });
  if (special.every((s) => s === null)) return `${fieldWords(field, 'day')} of the month`;
  return joinWords(parts.map((p, i) => special[i] ?? `${fieldWords(p, 'day')} of the month`));
}

function dayOfWeekWords(field: string): string {
  return joinWords(
    field.split(',').map((p) => {
      let m: RegExpExecArray | null;
      if ((m = /^(\w+)L$/i.exec(p)) && p.length <= 4) return `the last ${dayName(m[1])} of the month`;
      if ((m = /^(\w+)#(\d)$/.exec(p))) return `the ${ordinal(Number(m[2]))} ${dayName(m[1])} of the month`;
      return fieldWords(p, 'day of the week', dayName);
    }),
  );
}

/** The expression in words; the raw expression when it cannot be read. */
export function describeCron(expression: string): string {
  const split = cronFields(expression);
  if (!split) return expression;
  const [sec, min, hour, dom, mon, dow] = split.fields;
  const time = timeWords(sec, min, hour, split.hasSeconds);
  const words = [time.words];
  const domAll = isAll(dom);
  const dowAll = isAll(dow);
  if (!domAll && !dowAll) {
    words.push(
      `on ${dayOfMonthWords(dom)} if it is also ${dayOfWeekWords(dow)} (the day must match both the day-of-month and the day-of-week field)`,
    );
  } else if (!domAll) {
    words.push(`on ${dayOfMonthWords(dom)}`);
  } else if (!dowAll) {
    words.push(`on ${dayOfWeekWords(dow)}`);
  } else if (time.fixedClock) {
    words.push('every day');
  }
  if (!isAll(mon)) words.push(`in ${fieldWords(mon, 'month', monthName)}`);
  return words.join(' ');
}

/** True when both day-of-month and day-of-week are restricted (they combine with AND). */
export function bothDayFieldsRestricted(expression: string): boolean {
  const split = cronFields(expression);
  return !!split && !isAll(split.fields[3]) && !isAll(split.fields[5]);
}
