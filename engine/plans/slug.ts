/** A task id made from its title, for tasks that carry no id of their own. */
export function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[`*_~[\]()]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, 60) || 'task';
}
