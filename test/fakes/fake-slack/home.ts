/**
 * App Home: `views.publish` (one Home tab view per user, kept under the same view id) and the `app_home_opened`
 * event Slack sends when a user opens the app's Home tab (docs.slack.dev/reference/events/app_home_opened).
 */
import { MAX_VIEW_BYTES, validateHomeView } from './block-kit-view.js';
import { type InjectionAllowList, scanMessageForInjection } from './injection.js';
import { invalidArguments } from './other-methods.js';
import { readObjectArg } from './request-body.js';
import type { SlackStore } from './store.js';
import type { JsonObject } from './types.js';

/** The Home tab view published for `user`, if any. */
export function homeOf(store: SlackStore, user: string): JsonObject | undefined {
  return store.views.find((v) => v.type === 'home' && v.user === user);
}

/**
 * views.publish: `not_enabled` when the app has no Home tab, a `U…`/`W…` user_id, a valid home view of at most
 * 250 kB, and the current hash when one is given (else `hash_conflict`). Replaces the user's Home view in place.
 */
export function publishView(
  args: JsonObject,
  store: SlackStore,
  ids: { readonly appId: string; readonly teamId: string; readonly botId: string; readonly homeTabEnabled: boolean },
  allowList: InjectionAllowList,
): JsonObject {
  const user = typeof args.user_id === 'string' ? args.user_id : '';
  if (!/^[UW][A-Z0-9]+$/.test(user)) {
    return invalidArguments(['missing user_id']);
  }
  const view = readObjectArg(args.view);
  if (!view) return invalidArguments(['missing view']);
  if (view.type === 'home' && !ids.homeTabEnabled) return { ok: false, error: 'not_enabled' };
  if (JSON.stringify(view).length > MAX_VIEW_BYTES) return { ok: false, error: 'view_too_large' };
  const errors = validateHomeView(view);
  if (errors.length > 0) return invalidArguments(errors);
  // Accepted content is scanned like a message's: a Home tab must not notify, link or inject either.
  const scan = () => scanMessageForInjection({ blocks: view.blocks }, allowList, 'views.publish');
  const current = homeOf(store, user);
  if (current && args.hash !== undefined && args.hash !== current.hash) return { ok: false, error: 'hash_conflict' };
  const version = current ? Number.parseInt(String(current.hash), 10) + 1 : 1;
  const id = current ? String(current.id) : `V${String(store.views.length + 1).padStart(8, '0')}H`;
  const published: JsonObject = {
    ...view,
    id,
    team_id: ids.teamId,
    app_id: ids.appId,
    bot_id: ids.botId,
    root_view_id: id,
    app_installed_team_id: ids.teamId,
    state: { values: {} },
    hash: `${version}.fake`,
    user,
  };
  store.violations.push(...scan());
  if (current) store.views[store.views.indexOf(current)] = published;
  else store.views.push(published);
  return { ok: true, view: publishedForApp(published) };
}

/** A stored view as Slack shows it to the app (the fake's `user` bookkeeping left out). */
export function publishedForApp(view: JsonObject): JsonObject {
  const { user: _user, ...shown } = view;
  return shown;
}

/** The `event_callback` body of an `app_home_opened` event; `view` is included once a Home view was published. */
export function buildHomeOpenedEvent(args: {
  readonly store: SlackStore;
  readonly teamId: string;
  readonly appId: string;
  readonly botUserId: string;
  readonly user: string;
  readonly tab: 'home' | 'messages';
  readonly eventId: string;
}): JsonObject {
  const { store, user, tab } = args;
  const eventTs = store.nextTs();
  const published = tab === 'home' ? homeOf(store, user) : undefined;
  return {
    token: 'fake-deprecated-verification-token',
    team_id: args.teamId,
    api_app_id: args.appId,
    event: {
      type: 'app_home_opened',
      user,
      channel: `D${user.slice(1)}`,
      tab,
      event_ts: eventTs,
      ...(published ? { view: publishedForApp(published) } : {}),
    },
    type: 'event_callback',
    event_id: args.eventId,
    event_time: Math.floor(store.nowMs() / 1000),
    authorizations: [{ team_id: args.teamId, user_id: args.botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}
