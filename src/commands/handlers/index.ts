/** The subcommand table: one handler per parsed command kind. A new subcommand is a handler file and one line here. */
import type { Command } from '../parse/parse-command.js';
import { approvals, approvalsHistory } from './approvals.js';
import { approve, audit, reject } from './decisions.js';
import type { CommandHandler } from './handler.js';
import { help, removed } from './help.js';
import { invoke } from './invoke.js';
import { remove, rename } from './node-changes.js';
import { describe, nodes, presence } from './nodes.js';
import { pending } from './pending.js';

export const HANDLERS: { readonly [K in Command['kind']]: CommandHandler<K> } = {
  help,
  removed,
  presence,
  nodes,
  describe,
  invoke,
  rename,
  pending,
  approve,
  reject,
  remove,
  audit,
  approvals,
  'approvals-history': approvalsHistory,
};
