/** Fills a fake gateway with many nodes without the fake's per-node presence broadcast. */
import type { FakeGateway } from '../../fakes/fake-gateway/index.js';

interface PresenceListener {
  presenceChanged(): void;
}

/**
 * Adds `count` approved nodes (`<prefix>-00000`…), a third of them offline, then announces presence once.
 * Why not a plain `addNode` loop: the fake renders and broadcasts the presence of *every* node on each
 * `addNode`, so 10,000 calls cost O(n²) (measured ~5.5 s for 2,000, minutes for 10,000) and would flood
 * the bot with 10,000 presence events a real gateway would not send. The fake's state listener is
 * private, so this reaches it by name; if the fake changes shape it falls back to plain `addNode`.
 */
export function addNodesQuietly(gateway: FakeGateway, count: number, prefix = 'node'): void {
  const listener = (gateway.state as unknown as { listener?: PresenceListener }).listener;
  const announce = listener?.presenceChanged;
  if (listener && announce) listener.presenceChanged = () => undefined;
  try {
    for (let i = 0; i < count; i += 1) {
      gateway.addNode({
        displayName: `${prefix}-${String(i).padStart(5, '0')}`,
        platform: i % 2 === 0 ? 'linux' : 'darwin',
        commands: ['system.which', 'ollama.models'],
        caps: ['system'],
        connected: i % 3 !== 0,
        remoteIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      });
    }
  } finally {
    if (listener && announce) {
      listener.presenceChanged = announce;
      announce.call(listener);
    }
  }
}
