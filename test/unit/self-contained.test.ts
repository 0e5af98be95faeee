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

describe('a clean clone', () => {
  it('needs nothing beside it: no source or test reads ../shared or another folder outside the repository', () => {
    const outside = [...sources('src'), ...sources('test'), ...sources('scripts')].filter((file) =>
      /['"`](\.\.\/)+shared\/|\/work\/shared/.test(readFileSync(path.join(ROOT, file), 'utf8')),
    );
    expect(outside).toEqual([]);
  });
});
