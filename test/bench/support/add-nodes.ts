/** Fills a fake gateway with many nodes, announced in one presence broadcast. */
import type { FakeGateway } from '../../fakes/fake-gateway/index.js';

/** Adds `count` approved nodes (`<prefix>-00000`…), a third of them offline. */
export function addNodesQuietly(gateway: FakeGateway, count: number, prefix = 'node'): void {
  gateway.addNodes(
    Array.from({ length: count }, (_, i) => ({
      displayName: `${prefix}-${String(i).padStart(5, '0')}`,
      platform: i % 2 === 0 ? 'linux' : 'darwin',
      commands: ['system.which', 'ollama.models'],
      caps: ['system'],
      connected: i % 3 !== 0,
      remoteIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    })),
  );
}
