import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g;

/** src-relative module → the src-relative modules it imports (type-only imports included: they are design edges too). */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(path.join(SRC, file), 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? '';
      if (!spec.startsWith('.')) continue;
      deps.push(path.normalize(path.join(path.dirname(file), spec)).replace(/\.js$/, '.ts'));
    }
    graph.set(path.normalize(file), deps);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the path that closes it. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'active');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'active') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

const graph = importGraph();
const importsOf = (folder: string) =>
  [...graph]
    .filter(([file]) => file.startsWith(`${folder}/`))
    .flatMap(([file, deps]) => deps.map((d) => [file, d] as const));
const external = (folder: string, pattern: RegExp) =>
  [...graph.keys()]
    .filter((f) => f.startsWith(`${folder}/`))
    .filter((f) => pattern.test(readFileSync(path.join(SRC, f), 'utf8')));

describe('findCycles', () => {
  it('finds a cycle, and none in a tree', () => {
    const cyclic = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(findCycles(cyclic).map((c) => c.join(' → '))).toEqual(['a.ts → b.ts → c.ts → a.ts']);
    expect(
      findCycles(
        new Map([
          ['a.ts', ['b.ts', 'c.ts']],
          ['b.ts', ['c.ts']],
          ['c.ts', []],
        ]),
      ),
    ).toEqual([]);
  });
});

describe('src/ layout', () => {
  it('has no import cycle anywhere', () => {
    expect(findCycles(graph).map((c) => c.join(' → '))).toEqual([]);
  });

  it('keeps the pairing domain free of Slack, and the gateway client free of Slack and of the domain', () => {
    expect(importsOf('pairing').filter(([, d]) => /^(slack|commands)\//.test(d))).toEqual([]);
    expect(importsOf('gateway').filter(([, d]) => /^(slack|commands|pairing)\//.test(d))).toEqual([]);
    expect(external('pairing', /from '@slack\//)).toEqual([]);
    expect(external('gateway', /from '@slack\//)).toEqual([]);
  });

  it('lets only gateway/ import ws', () => {
    const users = [...graph.keys()].filter((f) => /from 'ws'/.test(readFileSync(path.join(SRC, f), 'utf8')));
    expect(users.every((f) => f.startsWith('gateway/'))).toBe(true);
  });

  it('keeps every file under ~400 lines', () => {
    const long = [...graph.keys()]
      .map((f) => [f, readFileSync(path.join(SRC, f), 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > 400);
    expect(long).toEqual([]);
  });
});
