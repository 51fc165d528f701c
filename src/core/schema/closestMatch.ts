/** "Did you mean …?" — the candidate nearest to `word`, if it is near enough to be a typo. */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    if (c === word) continue;
    const cl = c.toLowerCase();
    let score: number;
    if (cl === lower) score = 0;
    else {
      score = editDistance(lower, cl);
      // Compare last path segments too: `core/Check-Reachabilty` vs `network/core/Check-Reachability`.
      const a = lower.split('/').pop()!;
      const b = cl.split('/').pop()!;
      if (a !== lower || b !== cl) score = Math.min(score, editDistance(a, b) + 1);
    }
    const limit = Math.max(1, Math.floor(Math.max(word.length, 3) / 3));
    if (score <= limit && score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
