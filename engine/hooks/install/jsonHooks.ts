import { isDeepStrictEqual } from 'node:util';
import { ConfigError, type HookConfig, type Target } from './config';
import { appendItem, appendMember, removeChild, render, replaceItem, styleOf, type JsonStyle } from './jsonEdit';
import { JsonTextError, lineAt, memberNamed, parseJsonText, valueOf, type JsonArray, type JsonNode, type JsonObject } from './jsonText';

/** One entry of Plumbline's in a harness's JSON: the list it goes in (a path of keys from the top) and the entry. */
export interface Slot {
  path: readonly [string, ...string[]];
  entry: unknown;
}

export interface JsonHookSpec {
  harness: string;
  title: string;
  /** Whether the harness reads comments in this file (then they are kept; else a comment is refused). */
  comments: boolean;
  /** What a new file holds besides the hooks (Cursor's and Copilot's `version`, a Kiro agent). */
  skeleton(target: Target): Record<string, unknown>;
  slots(command: string): Slot[];
}

/**
 * Claude Code's shape of an event's list, which Codex and Gemini CLI share: matcher groups
 * (`matcher` left out for events that take none), each holding command hooks.
 */
export function matcherGroups(command: string, events: { event: string; matcher?: string }[], hook: Record<string, unknown> = {}): Slot[] {
  return events.map(({ event, matcher }) => ({ path: ['hooks', event], entry: { ...(matcher && { matcher }), hooks: [{ ...hook, type: 'command', command }] } }));
}

/** Keys whose strings a harness runs: the ones that tell a Plumbline entry from someone else's. */
const COMMAND_KEYS = new Set(['command', 'bash', 'powershell', 'linux', 'osx', 'windows']);

/** A command that runs `plumbline hook <harness>`: through the launcher, a `plumbline` on PATH, or the CLI file itself. */
export function ourCommand(harness: string): RegExp {
  return new RegExp(String.raw`(?:plumbline|cli\.js)["']?\s+hook\s+${harness}(?![\w-])`);
}

/**
 * A harness config in JSON whose hooks are lists of entries. Install puts each slot's entry in
 * its list once: kept when it is there already, written over an older Plumbline entry (another
 * command path) where that stood, else added last; every other key, entry and byte stays.
 * Uninstall takes Plumbline's entries out, and the lists and objects that held nothing else.
 */
export function jsonHookConfig(spec: JsonHookSpec, place: Pick<HookConfig, 'file' | 'note'>): HookConfig {
  const ours = ourCommand(spec.harness);
  const fresh = (target: Target) => `${render(Object.assign(spec.skeleton(target), nested(spec.slots(target.command))), defaultStyle)}\n`;
  return {
    harness: spec.harness,
    title: spec.title,
    ...place,
    install(text, target) {
      if (text === null || !text.trim()) return fresh(target);
      return spec.slots(target.command).reduce((t, slot) => installSlot(t, slot, spec.comments, ours), text);
    },
    uninstall(text, target) {
      if (!text.trim()) return text;
      const left = spec.slots(target.command).reduce((t, slot) => uninstallSlot(t, slot.path, spec.comments, ours), text);
      // What is left of a file install wrote from nothing is its skeleton: that file goes.
      return left !== text && left === `${render(spec.skeleton(target), defaultStyle)}\n` ? null : left;
    },
  };
}

const defaultStyle: JsonStyle = { indent: '  ', eol: '\n', colon: ': ' };

/** The slots as one object: `{hooks: {PreToolUse: [entry], Stop: [entry]}}`. */
function nested(slots: Slot[]): Record<string, unknown> {
  const top: Record<string, unknown> = {};
  for (const { path, entry } of slots) {
    let at = top;
    for (const key of path.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
    at[path[path.length - 1]] = [entry];
  }
  return top;
}

function parseRoot(text: string, comments: boolean): JsonObject {
  let root: JsonNode;
  try {
    root = parseJsonText(text, { comments });
  } catch (err) {
    if (err instanceof JsonTextError) throw new ConfigError(`not JSON the harness reads: ${err.message}`, err.line);
    throw err;
  }
  if (root.kind !== 'object') throw new ConfigError('not a JSON object', lineAt(text, root.start));
  return root;
}

function installSlot(text: string, slot: Slot, comments: boolean, ours: RegExp): string {
  const root = parseRoot(text, comments);
  const style = styleOf(text, root);
  let object = root;
  for (const [depth, key] of slot.path.entries()) {
    const member = memberNamed(object, key);
    const rest = slot.path.slice(depth + 1);
    if (!member) return appendMember(text, object, style, key, rest.length ? nested([{ path: rest as [string, ...string[]], entry: slot.entry }]) : [slot.entry]);
    const where = slot.path.slice(0, depth + 1).join('.');
    if (!rest.length) {
      if (member.value.kind !== 'array') throw new ConfigError(`"${where}" is not a list`, lineAt(text, member.start));
      return installInList(text, member.value, style, slot.entry, ours);
    }
    if (member.value.kind !== 'object') throw new ConfigError(`"${where}" is not an object`, lineAt(text, member.start));
    object = member.value;
  }
  return text;
}

function installInList(text: string, list: JsonArray, style: JsonStyle, entry: unknown, ours: RegExp): string {
  const mine = ourItems(text, list, ours);
  if (!mine.length) return appendItem(text, list, style, entry);
  if (mine.length === 1 && isDeepStrictEqual(valueOf(list.items[mine[0]]), entry)) return text;
  // Later duplicates go first: each removal only moves text after the items before it.
  let t = text;
  for (const index of mine.slice(1).reverse()) t = removeChild(t, list, index, style);
  return replaceItem(t, list, mine[0], style, entry);
}

function uninstallSlot(text: string, path: Slot['path'], comments: boolean, ours: RegExp): string {
  const root = parseRoot(text, comments);
  const list = nodeAt(root, path);
  if (list?.kind !== 'array') return text;
  const mine = ourItems(text, list, ours);
  if (!mine.length) return text;
  const style = styleOf(text, root);
  let t = text;
  for (const index of mine.reverse()) t = removeChild(t, list, index, style);
  // The list, then each object above it that held nothing else, goes too (never the top).
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const top = parseRoot(t, comments);
    const parent = nodeAt(top, path.slice(0, depth));
    const member = parent?.kind === 'object' ? memberNamed(parent, path[depth]) : undefined;
    if (!parent || parent.kind !== 'object' || !member || !isEmpty(member.value)) break;
    t = removeChild(t, parent, parent.members.indexOf(member), styleOf(t, top));
  }
  return t;
}

function nodeAt(root: JsonObject, path: readonly string[]): JsonNode | undefined {
  let node: JsonNode | undefined = root;
  for (const key of path) node = node?.kind === 'object' ? memberNamed(node, key)?.value : undefined;
  return node;
}

function isEmpty(node: JsonNode): boolean {
  return node.kind === 'array' ? !node.items.length : node.kind === 'object' && !node.members.length;
}

/** Indexes of Plumbline's entries in a list; an entry that runs Plumbline and other commands too is the person's to untangle. */
function ourItems(text: string, list: JsonArray, ours: RegExp): number[] {
  const found: number[] = [];
  list.items.forEach((item, index) => {
    const commands = commandsIn(valueOf(item));
    const mine = commands.filter((c) => ours.test(c)).length;
    if (mine && mine < commands.length) throw new ConfigError("an entry runs Plumbline's hook together with other commands; take Plumbline's command out of it by hand", lineAt(text, item.start));
    if (mine) found.push(index);
  });
  return found;
}

function commandsIn(value: unknown, key?: string): string[] {
  if (typeof value === 'string') return key !== undefined && COMMAND_KEYS.has(key) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => commandsIn(v));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => commandsIn(v, k));
  return [];
}
