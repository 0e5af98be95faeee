/**
 * The gateways of a configuration: the single-gateway variables (id `default`), or `OPENCLAW_GATEWAYS=prod,lab`
 * with `OPENCLAW_GATEWAY_<ID>_URL`, `_TOKEN` (or `_PASSWORD`), and optional `_SCOPES`, `_CLIENT_NAME`,
 * `_PAIRING_CHANNEL` per id. Pure: reads only the `env` record it is given.
 */

/** One gateway the bot keeps a session to. */
export interface GatewayConfig {
  readonly id: string;
  readonly url: string;
  readonly auth: { readonly token: string } | { readonly password: string };
  readonly scopes: readonly string[];
  readonly clientName: string;
  /** Where its pairing cards (and alerts) go. */
  readonly pairingChannel: string;
}

/** Gateway ids: lowercase letters, digits and `-`, 1 to 20 characters. */
export const GATEWAY_ID = /^[a-z0-9-]{1,20}$/;
const SCOPE = /^operator\.[a-z.]+$/;
const CHANNEL = /^[CG][A-Z0-9]{2,}$/;

/** `prod-eu` → `OPENCLAW_GATEWAY_PROD_EU_` (the prefix of that gateway's variables). */
export function gatewayPrefix(id: string): string {
  return `OPENCLAW_GATEWAY_${id.toUpperCase().replace(/-/g, '_')}_`;
}

/** Every per-gateway variable name the configuration reads for `ids` (for placeholder checks and docs). */
export function gatewayVariables(ids: readonly string[]): string[] {
  return ids.flatMap((id) =>
    ['URL', 'TOKEN', 'PASSWORD', 'SCOPES', 'CLIENT_NAME', 'PAIRING_CHANNEL'].map((v) => `${gatewayPrefix(id)}${v}`),
  );
}

/** What the single-gateway variables already parsed to (the defaults of every gateway). */
export interface GatewayDefaults {
  readonly scopes: readonly string[];
  readonly clientName: string;
  readonly pairingChannel: string | undefined;
}

const split = (raw: string | undefined) => (raw ?? '').split(/[\s,]+/).filter(Boolean);

/** Parses one listed gateway; problems name the variable at fault. */
function parseOne(id: string, env: Record<string, string | undefined>, defaults: GatewayDefaults) {
  const prefix = gatewayPrefix(id);
  const get = (name: string) => env[`${prefix}${name}`]?.trim() || undefined;
  const problems: string[] = [];
  const url = get('URL');
  if (!url) problems.push(`${prefix}URL: required: the ws:// or wss:// URL of the gateway "${id}"`);
  else if (!/^wss?:\/\/[^\s/]+/.test(url)) problems.push(`${prefix}URL: must start with ws:// or wss://`);
  const token = get('TOKEN');
  const password = get('PASSWORD');
  if (!token && !password) {
    problems.push(`${prefix}TOKEN: set ${prefix}TOKEN (or ${prefix}PASSWORD): the auth secret of the gateway "${id}"`);
  }
  const scopes = split(get('SCOPES'));
  for (const scope of scopes) {
    if (!SCOPE.test(scope))
      problems.push(`${prefix}SCOPES: "${scope}" is not valid: an operator scope such as operator.read`);
  }
  const clientName = get('CLIENT_NAME') ?? defaults.clientName;
  if (clientName.length > 64) problems.push(`${prefix}CLIENT_NAME: at most 64 characters`);
  const channel = get('PAIRING_CHANNEL') ?? defaults.pairingChannel;
  if (!channel) {
    problems.push(
      `${prefix}PAIRING_CHANNEL: required (or set OPENCLAW_PAIRING_CHANNEL for every gateway): a channel id such as C0123456789`,
    );
  } else if (!CHANNEL.test(channel)) {
    problems.push(`${prefix}PAIRING_CHANNEL: must be a channel id such as C0123456789 (not a #name)`);
  }
  const config: GatewayConfig = {
    id,
    url: url ?? '',
    auth: token ? { token } : { password: password ?? '' },
    scopes: scopes.length > 0 ? scopes : defaults.scopes,
    clientName,
    pairingChannel: channel ?? '',
  };
  return { config, problems };
}

/** Parses `OPENCLAW_GATEWAYS` and each listed gateway's variables. */
export function parseGatewayList(
  list: string,
  env: Record<string, string | undefined>,
  defaults: GatewayDefaults,
): { gateways: GatewayConfig[]; problems: string[] } {
  const ids = split(list);
  const problems: string[] = [];
  for (const id of ids) {
    if (!GATEWAY_ID.test(id)) {
      problems.push(`OPENCLAW_GATEWAYS: "${id}" is not a gateway id: use 1 to 20 lowercase letters, digits or -`);
    }
  }
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) problems.push(`OPENCLAW_GATEWAYS: "${duplicate}" is listed twice`);
  for (const single of ['OPENCLAW_GATEWAY_URL', 'OPENCLAW_GATEWAY_TOKEN', 'OPENCLAW_GATEWAY_PASSWORD']) {
    if (env[single]?.trim()) {
      problems.push(
        `${single}: is ignored when OPENCLAW_GATEWAYS lists gateways; set ${gatewayPrefix(ids[0] ?? 'id')}${single.slice('OPENCLAW_GATEWAY_'.length)} instead`,
      );
    }
  }
  const gateways: GatewayConfig[] = [];
  for (const id of ids.filter((i) => GATEWAY_ID.test(i))) {
    const parsed = parseOne(id, env, defaults);
    gateways.push(parsed.config);
    problems.push(...parsed.problems);
  }
  return { gateways, problems };
}
