/**
 * "Did you mean …?" — the candidate nearest to `word`, if it is near enough to be a typo.
 *
 * Bounded: words longer than MAX_WORD_LENGTH get no suggestion; a candidate whose length differs
 * by more than the allowed distance is skipped without computing anything; the edit distance is
 * computed only inside a band of ±limit around the diagonal and stops as soon as a whole row
 * exceeds the limit; and the work over all candidates is capped at WORK_BUDGET cells (after that
 * the best match so far is the answer). So one call costs at most ~WORK_BUDGET simple steps,
 * whatever the word and however many candidates.
 */
export const MAX_WORD_LENGTH = 256;
const WORK_BUDGET = 2_000_000;

export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  if (typeof word !== 'string' || word.length > MAX_WORD_LENGTH) return undefined;
  let best: string | undefined;
  let bestScore = Infinity;
  const lower = word.toLowerCase();
  const lowerLast = lower.split('/').pop()!;
  const limit = Math.max(1, Math.floor(Math.max(word.length, 3) / 3));
  let work = 0;
  for (const c of candidates) {
    if (work > WORK_BUDGET) break;
    if (typeof c !== 'string' || c === word || c.length > MAX_WORD_LENGTH * 2) continue;
    const cl = c.toLowerCase();
    let score: number;
    if (cl === lower) score = 0;
    else {
      const cap = Math.min(limit, bestScore - 1);
      if (cap < 0) continue;
      work += (Math.min(lower.length, cl.length) + 1) * (2 * cap + 1);
      score = boundedEditDistance(lower, cl, cap);
      // Compare last path segments too: `core/Check-Reachabilty` vs `network/core/Check-Reachability`.
      const b = cl.split('/').pop()!;
      if (lowerLast !== lower || b !== cl) {
        work += (Math.min(lowerLast.length, b.length) + 1) * (2 * cap + 1);
        score = Math.min(score, boundedEditDistance(lowerLast, b, cap - 1) + 1);
      }
    }
    if (score <= limit && score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** Levenshtein distance, exact. O(|a|·|b|): callers bound the lengths (see boundedEditDistance). */
export function editDistance(a: string, b: string): number {
  return boundedEditDistance(a, b, Math.max(a.length, b.length));
}

/**
 * Levenshtein distance if it is at most `max`, else `max + 1`. Only cells within `max` of the
 * diagonal are computed: O(min(|a|,|b|) · (2·max+1)).
 */
export function boundedEditDistance(a: string, b: string, max: number): number {
  if (max < 0) return max + 1;
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  const over = max + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j <= max ? j : over;
  for (let i = 1; i <= a.length; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(b.length, i + max);
    cur[0] = i <= max ? i : over;
    if (lo > 1) cur[lo - 1] = over;
    if (hi < b.length) cur[hi + 1] = over;
    let rowMin = cur[0];
    for (let j = lo; j <= hi; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1));
      cur[j] = v > over ? over : v;
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > max) return over;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[b.length], over);
}
