import type { App } from '@slack/bolt';
import type { AppHome } from '../../app-home.js';

/** `app_home_opened` on the Home tab → views.publish for that user (Bolt acks events itself, before this runs). */
export function register(app: App, home: AppHome): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await home.opened(client, event.user);
  });
}
