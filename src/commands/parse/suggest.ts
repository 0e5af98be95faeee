/** Edit-distance suggestions for mistyped words ("did you mean …"). */

/** Levenshtein distance between `a` and `b` (code points), stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  const s = [...a];
  const t = [...b];
  if (Math.abs(s.length - t.length) > max) return max + 1;
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      const value = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      row.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    prev = row;
  }
  return prev[t.length] ?? max + 1;
}

/** Longest input compared, so a hostile 100 kB word costs nothing. */
const MAX_COMPARED = 64;

/**
 * Candidates close to `word` (case-insensitive), best first, at most `limit`: within an edit distance of
 * a third of the word’s length rounded up (at most 3), or starting with it when it is 3+ characters.
 */
export function suggest(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const needle = word.toLowerCase();
  if (needle.length === 0 || needle.length > MAX_COMPARED) return [];
  const max = Math.min(3, Math.max(1, Math.ceil(needle.length / 3)));
  const scored: { candidate: string; score: number }[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (seen.has(candidate)) continue;
    seen.add(candidate);
    const hay = candidate.toLowerCase();
    if (hay.length > MAX_COMPARED * 2) continue;
    const distance = editDistance(needle, hay, max);
    const prefix = needle.length >= 3 && hay.startsWith(needle);
    if (distance <= max || prefix) scored.push({ candidate, score: prefix ? Math.min(distance, 0.5) : distance });
  }
  scored.sort((x, y) => x.score - y.score || x.candidate.localeCompare(y.candidate));
  return scored.slice(0, limit).map((s) => s.candidate);
}
