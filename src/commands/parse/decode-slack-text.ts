/** Turns slash-command text as Slack delivers it (entities, `should_escape` tokens) back into what the user typed. */

const TOKEN = /<([^<>]*)>/g;

function decodeToken(content: string): string {
  const bar = content.indexOf('|');
  const head = bar === -1 ? content : content.slice(0, bar);
  const label = bar === -1 ? '' : content.slice(bar + 1);
  if (head.startsWith('@')) return label ? `@${label.replace(/^@/, '')}` : head;
  if (head.startsWith('#')) return label ? `#${label.replace(/^#/, '')}` : head;
  if (head.startsWith('!subteam^')) return label || `@${head.slice('!subteam^'.length)}`;
  if (head.startsWith('!date^')) return label;
  if (head.startsWith('!')) return `@${head.slice(1)}`;
  if (/^(https?|mailto):/i.test(head)) return label || head.replace(/^mailto:/i, '');
  return label || head;
}

/**
 * Decodes `<@U…>`, `<#C…|name>`, `<!here>`, `<http…|label>` to their typed form (`@U…`, `#name`, `@here`,
 * the label) and then `&lt;` `&gt;` `&amp;` exactly once. The result is plain text: escape it before echoing.
 */
export function decodeSlackText(text: string): string {
  return text
    .replace(TOKEN, (_, content: string) => decodeToken(content))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
