/**
 * Transpiles src/ plus a few bench files to plain JS (TypeScript's transpileModule, no type check) under
 * test/bench/.build/, so a child can run the bot the way production does (`node dist/…`, no loader).
 * The output lives inside the repo so `node_modules` resolves; callers remove it with `removeBuild`.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** Where transpiled files go; mirrors the repo layout (`.build/src/bot.js`, `.build/test/bench/…`). */
export const BUILD_DIR = fileURLToPath(new URL('../.build/', import.meta.url));

async function listTs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Transpiles every src/ file and `extra` (repo-relative paths); resolves with the BUILD_DIR path of each extra. */
export async function transpileForNode(extra: readonly string[]): Promise<string[]> {
  const files = [...(await listTs(path.join(REPO, 'src'))), ...extra.map((f) => path.join(REPO, f))];
  await rm(BUILD_DIR, { recursive: true, force: true });
  for (const file of files) {
    const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
        esModuleInterop: true,
      },
    });
    const out = path.join(BUILD_DIR, path.relative(REPO, file)).replace(/\.ts$/, '.js');
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, outputText);
  }
  return extra.map((f) => path.join(BUILD_DIR, f).replace(/\.ts$/, '.js'));
}

/** Deletes BUILD_DIR. */
export async function removeBuild(): Promise<void> {
  await rm(BUILD_DIR, { recursive: true, force: true });
}
