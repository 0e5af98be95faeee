/** True when `name` matches a glob `pattern` (`*` = any characters, case-insensitive, whole name). */
export function matchesPattern(name: string, pattern: string): boolean {
  const trimmed = pattern.trim();
  if (trimmed === '') return false;
  const source = trimmed
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'is').test(name);
}
