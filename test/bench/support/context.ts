/** What every row gets from the runner: a shared real gateway (started on first use) and a progress line. */
import { type RealGateway, startGateway } from '../../e2e/support/real-gateway.js';
import { hiResNowMs } from './clock.js';

export interface BenchContext {
  /** The real OpenClaw gateway shared by the rows that need one; started on first call. */
  realGateway(): Promise<RealGateway>;
  /** Prints a progress line on stderr (the table goes to stdout). */
  progress(message: string): void;
}

/** A context whose gateway is stopped by `close()`. */
export interface ClosableContext extends BenchContext {
  /** Seconds the gateway took to become ready, once started. */
  gatewayStartS(): number | undefined;
  gatewayVersion(): string | undefined;
  close(): Promise<void>;
}

export function createContext(): ClosableContext {
  let gateway: Promise<RealGateway> | undefined;
  let startS: number | undefined;
  let version: string | undefined;
  const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);
  return {
    progress,
    realGateway() {
      gateway ??= (async () => {
        const startedMs = hiResNowMs();
        progress('starting the real OpenClaw gateway…');
        const gw = await startGateway();
        startS = (hiResNowMs() - startedMs) / 1000;
        version = gw.version;
        progress(`openclaw ${gw.version} ready on ${gw.url} after ${startS.toFixed(1)} s`);
        return gw;
      })();
      return gateway;
    },
    gatewayStartS: () => startS,
    gatewayVersion: () => version,
    async close() {
      const gw = await gateway?.catch(() => undefined);
      await gw?.stop();
    },
  };
}
