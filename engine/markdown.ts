/**
 * Escapes text for a Markdown hover or tooltip, so a task title written as `**x**` or `[a](b)`
 * shows as written instead of as formatting or a link.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>|#]/g, '\\$&');
}
