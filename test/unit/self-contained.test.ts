import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mjs|js)$/.test(f))
    .map((f) => path.join(dir, f));
}

/** The folder CI puts beside the checkout (a user's clone has nothing there). */
const BESIDE = 'shared';
/** A path string that climbs out of the repository into it, relative or absolute. */
const OUTSIDE = new RegExp(`['"\`](\\.\\./)+${BESIDE}/|/work/${BESIDE}`);

describe('a clean clone', () => {
  it('needs nothing beside it: no source or test reads the folder beside the checkout', () => {
    const outside = [...sources('src'), ...sources('test'), ...sources('scripts')].filter((file) =>
      OUTSIDE.test(readFileSync(path.join(ROOT, file), 'utf8')),
    );
    expect(outside).toEqual([]);
  });
});
