import type TreeSitter from '@vscode/tree-sitter-wasm';
import type { Language, Tree } from './treeRead';

type Parser = InstanceType<typeof TreeSitter.Parser>;

/**
 * How much text the kept trees may stand for, in UTF-16 code units. A tree takes about 40 bytes
 * per character of its text in tree-sitter's wasm memory (10 MB for a 5,000-line file), and
 * that memory is never given back to the system, only reused: a million characters (four
 * 5,000-line files, or fifty of 500 lines) is at most some 40 MB. A file larger than the
 * whole budget keeps no tree; its first check parses it, as without kept trees.
 */
const budget = 1_000_000;

/**
 * How long one slice of a background parse may hold the server's event loop: a request that
 * arrives meanwhile (a hover, a completion, an edit) waits at most this long for it.
 */
const defaultSliceMs = 4;

interface Kept {
  /** The grammar's wasm file. */
  file: string;
  text: string;
  /** Absent while the tree waits for its background parse, or is in it. */
  tree?: Tree;
}

/**
 * One syntax tree per open file, of its baseline (the text its next edit is checked against),
 * parsed in the background when it is recorded: the file's first check then parses only the
 * edit, incrementally from it, instead of the whole file on the edit path.
 *
 * Background parses run one at a time, in slices, on a parser of their own: tree-sitter resumes
 * a parse that its progress callback halted, as long as nothing else runs on that parser, while
 * the checks keep using theirs. A check that needs a tree still being parsed finishes that parse
 * at once rather than wait for its slices or start over: what is left of a parse is never more
 * than a whole one, and the tree is the same tree a whole parse makes.
 */
export class KeptTrees {
  /** By key (an open file), the least recently used first. */
  private readonly kept = new Map<string, Kept>();
  /** The entry the background parser is in the middle of. */
  private parsing: Kept | undefined;
  private parser: Promise<Parser> | undefined;
  /** The background parser once made: a parse under way is finished on it without awaiting anything. */
  private madeParser: Parser | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly newParser: () => Promise<Parser>,
    private readonly languageOf: (file: string) => Promise<Language>,
    private readonly sliceMs = defaultSliceMs,
  ) {}

  /** How many trees are kept or waiting to be parsed. */
  get size(): number {
    return this.kept.size;
  }

  /** Where the tree kept for `key` is: waiting for its background parse, in it, or ready. */
  state(key: string): 'waiting' | 'parsing' | 'ready' | undefined {
    const entry = this.kept.get(key);
    if (!entry) return undefined;
    return entry.tree ? 'ready' : this.parsing === entry ? 'parsing' : 'waiting';
  }

  /**
   * Keeps for `key` the tree of `text` in the grammar `file`, in place of the one it had: a copy
   * of `ready` when a tree of that text is at hand (copies share their nodes), else parsed in
   * the background.
   */
  keep(key: string, file: string, text: string, ready?: Tree): void {
    const current = this.kept.get(key);
    if (current && current.file === file && current.text === text) {
      this.touch(key, current);
      return;
    }
    this.release(key);
    if (text.length > budget) return;
    const entry: Kept = { file, text, tree: ready?.copy() };
    this.kept.set(key, entry);
    this.trim();
    if (!entry.tree) void this.run();
  }

  /** The file closed (or its baseline no longer needs a tree): its tree is freed, its parse stopped. */
  release(key: string): void {
    const entry = this.kept.get(key);
    if (!entry) return;
    this.kept.delete(key);
    entry.tree?.delete();
    if (this.parsing === entry) this.stopParsing();
  }

  /**
   * A tree of `text` for the caller to own (a copy of the kept one), finishing its background
   * parse now when it is under way; undefined when none is kept or its parse has not begun.
   */
  take(file: string, text: string): Tree | undefined {
    for (const [key, entry] of this.kept) {
      if (entry.file !== file || entry.text !== text) continue;
      if (!entry.tree && this.parsing === entry) this.finish(entry);
      if (!entry.tree) continue;
      this.touch(key, entry);
      return entry.tree.copy();
    }
    return undefined;
  }

  /** A tree the caller made of `text`: entries still waiting for that text take a copy instead of a parse. */
  adopt(file: string, text: string, tree: Tree): void {
    for (const entry of this.kept.values()) {
      if (entry.tree || entry.file !== file || entry.text !== text) continue;
      if (this.parsing === entry) this.stopParsing();
      entry.tree = tree.copy();
    }
  }

  /** Resolves once no background parse is waiting or under way. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private run(): Promise<void> {
    this.running ??= this.parseWaiting().finally(() => (this.running = undefined));
    return this.running;
  }

  private async parseWaiting(): Promise<void> {
    // The newest first: the file opened last is the one most likely to be edited next.
    for (let entry = this.newestWaiting(); entry; entry = this.newestWaiting()) {
      try {
        await this.parseInSlices(entry);
      } catch {
        // tree-sitter or the grammar did not load: the file's check parses, and says so, itself.
        for (const [key, kept] of this.kept) if (kept === entry) this.release(key);
      }
    }
  }

  private newestWaiting(): Kept | undefined {
    return [...this.kept.values()].reverse().find((entry) => !entry.tree);
  }

  private async parseInSlices(entry: Kept): Promise<void> {
    const [parser, language] = await Promise.all([this.getParser(), this.languageOf(entry.file)]);
    // Released, replaced or given a tree while the grammar loaded.
    if (entry.tree || !this.isKept(entry)) return;
    parser.reset();
    parser.setLanguage(language);
    this.parsing = entry;
    while (this.parsing === entry) {
      const until = performance.now() + this.sliceMs;
      const tree = parser.parse(entry.text, null, { progressCallback: () => performance.now() >= until });
      if (tree) {
        entry.tree = tree;
        this.parsing = undefined;
        return;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Runs what is left of the entry's background parse to its end, now. */
  private finish(entry: Kept): void {
    // Without a progress callback the parser resumes where the last slice halted and does not stop.
    const tree = this.madeParser?.parse(entry.text);
    this.parsing = undefined;
    if (tree) entry.tree = tree;
  }

  private stopParsing(): void {
    this.parsing = undefined;
    // Frees the halted parse's state; the next parse begins at the beginning instead of resuming it.
    this.madeParser?.reset();
  }

  private isKept(entry: Kept): boolean {
    for (const kept of this.kept.values()) if (kept === entry) return true;
    return false;
  }

  private touch(key: string, entry: Kept): void {
    this.kept.delete(key);
    this.kept.set(key, entry);
  }

  /** Frees the least recently used trees until the kept ones stand for no more text than the budget. */
  private trim(): void {
    let total = 0;
    for (const entry of this.kept.values()) total += entry.text.length;
    for (const [key, entry] of this.kept) {
      if (total <= budget) return;
      total -= entry.text.length;
      this.release(key);
    }
  }

  private getParser(): Promise<Parser> {
    this.parser ??= this.newParser().then((parser) => (this.madeParser = parser));
    return this.parser;
  }
}
