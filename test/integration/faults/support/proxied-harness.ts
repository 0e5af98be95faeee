/** The whole bot in Socket Mode with its Web API calls going through a {@link LossySlackProxy}. */
import { type Harness, SCOPES_WITH_HISTORY, startHarness } from '../../support/bot-harness.js';
import { LossySlackProxy } from './lossy-slack-proxy.js';

export interface ProxiedHarness extends Harness {
  proxy: LossySlackProxy;
}

/** `scopes`: what the install granted (default: with the optional history scopes, so lost posts can be looked up). */
export async function startProxiedHarness(scopes: readonly string[] = SCOPES_WITH_HISTORY): Promise<ProxiedHarness> {
  let proxy: LossySlackProxy | undefined;
  const harness = await startHarness({
    gateway: { issueDeviceToken: true },
    slack: { rateLimit: { perChannelPerSec: 1000, burst: 1000 }, scopes },
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
