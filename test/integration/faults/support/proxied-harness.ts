/** The whole bot in Socket Mode with its Web API calls going through a {@link LossySlackProxy}. */
import { type Harness, startHarness } from '../../support/bot-harness.js';
import { LossySlackProxy } from './lossy-slack-proxy.js';

export interface ProxiedHarness extends Harness {
  proxy: LossySlackProxy;
}

export async function startProxiedHarness(): Promise<ProxiedHarness> {
  let proxy: LossySlackProxy | undefined;
  const harness = await startHarness({
    gateway: { issueDeviceToken: true },
    slack: { rateLimit: { perChannelPerSec: 1000, burst: 1000 } },
    slackApiUrl: async (slack) => {
      proxy = new LossySlackProxy(slack.baseUrl);
      await proxy.start();
      return proxy.apiUrl;
    },
  });
  const lossy = proxy as LossySlackProxy;
  const stopHarness = harness.stop;
  return Object.assign(harness, {
    proxy: lossy,
    async stop() {
      await stopHarness();
      await lossy.stop();
    },
  });
}
