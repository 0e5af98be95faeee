/** Types for ensure-openclaw.mjs, so TypeScript tests can import it. */
export declare const NODE_VERSION: string;
export declare const OPENCLAW_VERSION: string;
export declare const CACHE_DIR: string;

/** Paths of the cached Node 24 binary and the `openclaw` CLI entry, plus the pinned OpenClaw version. */
export interface OpenclawInstall {
  readonly nodeBin: string;
  readonly openclawEntry: string;
  readonly version: string;
}

/** Resolves once Node 24 and OpenClaw are installed in the cache; installs them at most once. */
export declare function ensureOpenclaw(): Promise<OpenclawInstall>;
