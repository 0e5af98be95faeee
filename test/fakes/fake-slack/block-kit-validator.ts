/**
 * Block Kit validator with Slack's limits (reference §1). Pure: returns Slack-shaped
 * `message [json-pointer:/blocks/...]` strings, empty when Slack would accept the blocks.
 */
import {
  checkArray,
  checkString,
  checkTextObject,
  countChars,
  type Issues,
  isRecord,
  report,
} from './block-kit-checks.js';
import { ACCESSORY_ELEMENTS, ACTIONS_ELEMENTS, checkElement, INPUT_ELEMENTS } from './block-kit-elements.js';

export type Surface = 'message' | 'modal' | 'home';

/** Most blocks a surface may hold. */
export const MAX_BLOCKS: Readonly<Record<Surface, number>> = { message: 50, modal: 100, home: 100 };

/** Cumulative text across a message's blocks above which Slack answers `msg_blocks_too_long` (observed ~12–13.3k). */
export const CUMULATIVE_TEXT_LIMIT = 12_000;

type BlockChecker = (issues: Issues, block: Record<string, unknown>, pointer: string) => void;

const CONTEXT_TEXT_OR_IMAGE: ReadonlySet<string> = new Set(['image']);

const BLOCK_CHECKERS: Readonly<Record<string, BlockChecker>> = {
  section(issues, block, p) {
    if (block.text === undefined && block.fields === undefined) {
      report(issues, 'missing required field: text or fields', p);
    }
    checkTextObject(issues, block.text, `${p}/text`, { max: 3000 });
    const fields = checkArray(issues, block.fields, `${p}/fields`, { min: 1, max: 10 });
    fields?.forEach((f, i) => {
      checkTextObject(issues, f, `${p}/fields/${i}`, { max: 2000, required: true });
    });
    if (block.accessory !== undefined) {
      checkElement(issues, block.accessory, `${p}/accessory`, ACCESSORY_ELEMENTS, new Set());
    }
  },
  header(issues, block, p) {
    checkTextObject(issues, block.text, `${p}/text`, { max: 150, plainOnly: true, required: true });
  },
  divider() {},
  context(issues, block, p) {
    const elements = checkArray(issues, block.elements, `${p}/elements`, { min: 1, max: 10, required: true });
    elements?.forEach((el, i) => {
      const ep = `${p}/elements/${i}`;
      if (isRecord(el) && el.type === 'image') checkElement(issues, el, ep, CONTEXT_TEXT_OR_IMAGE, new Set());
      else checkTextObject(issues, el, ep, { max: 3000, required: true });
    });
  },
  actions(issues, block, p) {
    const elements = checkArray(issues, block.elements, `${p}/elements`, { min: 1, max: 25, required: true });
    const actionIds = new Set<string>();
    elements?.forEach((el, i) => {
      checkElement(issues, el, `${p}/elements/${i}`, ACTIONS_ELEMENTS, actionIds);
    });
  },
  image(issues, block, p) {
    checkElement(issues, block, p, CONTEXT_TEXT_OR_IMAGE, new Set());
    checkTextObject(issues, block.title, `${p}/title`, { max: 2000, plainOnly: true });
  },
  input(issues, block, p) {
    checkTextObject(issues, block.label, `${p}/label`, { max: 2000, plainOnly: true, required: true });
    checkTextObject(issues, block.hint, `${p}/hint`, { max: 2000, plainOnly: true });
    if (block.element === undefined) report(issues, 'missing required field', `${p}/element`);
    else checkElement(issues, block.element, `${p}/element`, INPUT_ELEMENTS, new Set());
  },
  markdown(issues, block, p) {
    checkString(issues, block.text, `${p}/text`, { min: 1, max: 12_000, required: true });
  },
  rich_text(issues, block, p) {
    checkArray(issues, block.elements, `${p}/elements`, { max: 10_000, required: true });
  },
};

/** Validates a blocks array for a message, a modal or a Home tab; returns every violation found, in Slack's error shape. */
export function validateBlocks(blocks: unknown, surface: Surface, pointer = '/blocks'): string[] {
  const issues: Issues = [];
  const list = checkArray(issues, blocks, pointer, { max: MAX_BLOCKS[surface], required: true });
  if (!list) return issues;
  const blockIds = new Set<string>();
  list.forEach((block, i) => {
    const p = `${pointer}/${i}`;
    if (!isRecord(block)) {
      report(issues, 'must be a block object', p);
      return;
    }
    const type = typeof block.type === 'string' ? block.type : '';
    const checker = BLOCK_CHECKERS[type];
    if (!checker) {
      report(issues, `failed to match all allowed schemas (unknown block type "${type}")`, `${p}/type`);
      return;
    }
    if (type !== 'markdown') checkBlockId(issues, block.block_id, `${p}/block_id`, blockIds);
    checker(issues, block, p);
  });
  return issues;
}

function checkBlockId(issues: Issues, blockId: unknown, pointer: string, seen: Set<string>): void {
  checkString(issues, blockId, pointer, { min: 1, max: 255 });
  if (typeof blockId !== 'string') return;
  if (seen.has(blockId)) report(issues, 'duplicate block_id: Block ID needs to be unique', pointer);
  seen.add(blockId);
}

/** Counts the characters of every text in the blocks (text objects, markdown blocks), as Slack's cumulative limit does. */
export function countBlocksText(blocks: unknown): number {
  let total = 0;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (!isRecord(node)) return;
    const textual = node.type === 'plain_text' || node.type === 'mrkdwn' || node.type === 'markdown';
    if (textual && typeof node.text === 'string') total += countChars(node.text);
    for (const value of Object.values(node)) if (typeof value === 'object') visit(value);
  };
  visit(blocks);
  return total;
}

/** Block ids present in a blocks array (used to warn when an update reuses them). */
export function collectBlockIds(blocks: readonly unknown[] | undefined): string[] {
  return (blocks ?? []).flatMap((b) => (isRecord(b) && typeof b.block_id === 'string' ? [b.block_id] : []));
}
