/**
 * JSON text with the place of every value in it, so that a config file can be edited where it
 * needs to change and nowhere else (JSON.parse and JSON.stringify would lose its layout, and with
 * it the person's diff). Comments are read only for the files whose harness reads them (Gemini
 * CLI strips them before it parses); trailing commas are never accepted, since no harness here
 * accepts them.
 */
export type JsonNode = JsonObject | JsonArray | JsonScalar;

export interface JsonObject {
  kind: 'object';
  /** Offset of `{`; `end` is the offset after `}`. */
  start: number;
  end: number;
  members: JsonMember[];
}

export interface JsonArray {
  kind: 'array';
  start: number;
  end: number;
  items: JsonNode[];
}

export interface JsonScalar {
  kind: 'scalar';
  start: number;
  end: number;
  value: string | number | boolean | null;
}

/** `"key": value`, from the key's opening quote to the end of the value. */
export interface JsonMember {
  key: string;
  start: number;
  keyEnd: number;
  end: number;
  value: JsonNode;
}

/** Text that is not JSON (or has comments where the harness reads none), with the line it goes wrong on. */
export class JsonTextError extends Error {
  override name = 'JsonTextError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

export function parseJsonText(text: string, options: { comments: boolean }): JsonNode {
  const parser = new Parser(text, options.comments);
  const root = parser.value();
  parser.skip();
  if (parser.at < text.length) parser.fail('unexpected text after the end of the JSON');
  return root;
}

/** The plain value of a node, as JSON.parse would give it (the last of duplicate keys wins). */
export function valueOf(node: JsonNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'array':
      return node.items.map(valueOf);
    case 'object':
      return Object.fromEntries(node.members.map((m) => [m.key, valueOf(m.value)]));
  }
}

/** The member a key names (the last one, as JSON.parse keeps the last of duplicates). */
export function memberNamed(node: JsonObject, key: string): JsonMember | undefined {
  for (let i = node.members.length - 1; i >= 0; i--) if (node.members[i].key === key) return node.members[i];
  return undefined;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Parser {
  at: number;

  constructor(
    private readonly text: string,
    private readonly comments: boolean,
  ) {
    // A byte order mark is not JSON, but editors write it and the harnesses' readers mostly skip it.
    this.at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  fail(message: string, at = this.at): never {
    throw new JsonTextError(message, lineAt(this.text, at));
  }

  skip(): void {
    const { text } = this;
    while (this.at < text.length) {
      const c = text[this.at];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.at++;
      else if (c === '/' && (text[this.at + 1] === '/' || text[this.at + 1] === '*')) {
        if (!this.comments) this.fail('a comment, which this harness does not accept in its JSON');
        if (text[this.at + 1] === '/') {
          const end = text.indexOf('\n', this.at);
          this.at = end === -1 ? text.length : end;
        } else {
          const end = text.indexOf('*/', this.at + 2);
          if (end === -1) this.fail('a /* comment that is never closed');
          this.at = end + 2;
        }
      } else return;
    }
  }

  value(): JsonNode {
    this.skip();
    const { text } = this;
    const c = text[this.at];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    const start = this.at;
    if (c === '"') return { kind: 'scalar', start, value: this.string(), end: this.at };
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, start)) {
        this.at += word.length;
        return { kind: 'scalar', start, end: this.at, value };
      }
    }
    NUMBER.lastIndex = start;
    const number = NUMBER.exec(text);
    if (number) {
      this.at += number[0].length;
      return { kind: 'scalar', start, end: this.at, value: Number(number[0]) };
    }
    this.fail(c === undefined ? 'the JSON ends too early' : `unexpected ${JSON.stringify(c)}`);
  }

  private string(): string {
    const { text } = this;
    const start = this.at;
    for (let i = start + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.at = i + 1;
        return JSON.parse(text.slice(start, i + 1)) as string;
      }
      if (c < 0x20) this.fail('a line break or control character inside a string', i);
      if (c === 0x5c) {
        const next = text[i + 1];
        if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 5;
        else if (next !== undefined && '"\\/bfnrt'.includes(next)) i++;
        else this.fail('a bad escape in a string', i);
      }
    }
    this.fail('a string that is never closed', start);
  }

  private object(): JsonObject {
    const start = this.at++;
    const members: JsonMember[] = [];
    this.skip();
    if (this.text[this.at] === '}') return { kind: 'object', start, end: ++this.at, members };
    for (;;) {
      this.skip();
      if (this.text[this.at] !== '"') this.fail('expected a property name in double quotes');
      const keyStart = this.at;
      const key = this.string();
      const keyEnd = this.at;
      this.skip();
      if (this.text[this.at] !== ':') this.fail('expected ":" after a property name');
      this.at++;
      const value = this.value();
      members.push({ key, start: keyStart, keyEnd, end: value.end, value });
      if (this.afterItem('}')) return { kind: 'object', start, end: this.at, members };
    }
  }

  private array(): JsonArray {
    const start = this.at++;
    const items: JsonNode[] = [];
    this.skip();
    if (this.text[this.at] === ']') return { kind: 'array', start, end: ++this.at, items };
    for (;;) {
      items.push(this.value());
      if (this.afterItem(']')) return { kind: 'array', start, end: this.at, items };
    }
  }

  /** After a member or item: true at the closing bracket (consumed), false after a comma. */
  private afterItem(close: '}' | ']'): boolean {
    this.skip();
    const c = this.text[this.at];
    if (c === close) {
      this.at++;
      return true;
    }
    if (c !== ',') this.fail(`expected "," or "${close}"`);
    this.at++;
    this.skip();
    if (this.text[this.at] === close) this.fail(`a comma before "${close}"`);
    return false;
  }
}
