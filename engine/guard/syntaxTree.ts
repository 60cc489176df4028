import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import TreeSitter from '@vscode/tree-sitter-wasm';
import { blocksIn, brokenConstructLine, emptyBlock, jsonBrokenLine, newlyBroken, owningChange, pythonIndentError } from './brokenConstruct';
import { embeddedInHtml } from './embedded';
import { htmlComments } from './fallbackComments';
import { linesOf, type Hunk } from './hunks';
import { editsOf } from './incremental';
import { KeptTrees } from './keptTrees';
import type { GuardLanguage } from './languages';
import { commentsAndDefinitions, mergeRanges, readRanges, type Definition, type Language, type LineRange, type ParsedText, type Query, type Tree } from './treeRead';

export type { Comment, Definition, ParsedText } from './treeRead';

type Parser = InstanceType<typeof TreeSitter.Parser>;

/** Both sides of an edit as the guard reads them: around the changed lines only. */
export interface EditReading {
  old: ParsedText;
  now: ParsedText;
  /** 0-based line of the construct the edit broke, when the old text parsed and the new one does not. */
  broken: number | null;
}

interface Grammar {
  language: Language;
  query: Query;
  /** Python only: its blocks, for the indentation check tree-sitter-python does not make. */
  blocks?: Query;
}

/** How many trees to keep: a few files checked in turn, each against its previous version. */
const recentTrees = 8;

/**
 * web-tree-sitter and the grammars of @vscode/tree-sitter-wasm. The wasm files sit beside the
 * bundle (dist/tree-sitter/, copied by esbuild.mjs) or, when running from source, in the package.
 */
export class SyntaxTrees {
  private runtime: Promise<void> | undefined;
  private parser: Promise<Parser> | undefined;
  private readonly grammars = new Map<string, Promise<Grammar>>();
  /**
   * Recent trees by grammar and text, oldest first. The server checks each new version of a
   * file against the one before, whose tree is here already: the new text is then parsed
   * incrementally from it, which costs a few milliseconds instead of a full parse.
   */
  private readonly trees = new Map<string, { file: string; tree: Tree }>();
  /** The trees of open files' baselines: their first check finds the text before already parsed. */
  readonly kept: KeptTrees;
  /** Trees let go from the recent ones and not freed yet (see freeSoon). */
  private readonly unfreed: Tree[] = [];

  /** `sliceMs`: how long a slice of a background parse may run (tests make it short, to catch a parse midway). */
  constructor(
    private readonly wasmDir = defaultWasmDir(),
    sliceMs?: number,
  ) {
    this.kept = new KeptTrees(
      () => this.getRuntime().then(() => new TreeSitter.Parser()),
      (file) => this.getGrammar(file).then((grammar) => grammar.language),
      sliceMs,
    );
  }

  /**
   * Keeps the tree of `text` for `key` (an open file, whose baseline it is) until `release(key)`
   * or the next `keep(key, …)`: from the trees at hand when one is of that text, else parsed in
   * the background. Languages read without a tree keep nothing.
   */
  keep(key: string, text: string, language: GuardLanguage): void {
    if (!language.grammar) return this.kept.release(key);
    const recent = this.trees.get(text);
    this.kept.keep(key, language.grammar, text, recent?.file === language.grammar ? recent.tree : undefined);
  }

  /** The file closed: the tree kept for it is freed. */
  release(key: string): void {
    this.kept.release(key);
  }

  async readEdit(before: string, after: string, hunks: Hunk[], language: GuardLanguage): Promise<EditReading> {
    const oldRanges = mergeRanges(hunks.map((h): LineRange => [h.oldStart, h.oldStart + Math.max(h.removed.length, 1)]));
    const newRanges = mergeRanges(hunks.map((h): LineRange => [h.newStart, h.newStart + Math.max(h.added.length, 1)]));
    if (language.grammar) return this.readTrees(before, after, hunks, language.grammar, oldRanges, newRanges);
    const [old, now] = await Promise.all([this.readFallback(before, language, oldRanges), this.readFallback(after, language, newRanges)]);
    const broken = language.json && jsonBrokenLine(before) === null ? jsonBrokenLine(after) : null;
    return { old, now, broken };
  }

  private async readTrees(before: string, after: string, hunks: Hunk[], file: string, oldRanges: LineRange[], newRanges: LineRange[]): Promise<EditReading> {
    const [parser, grammar] = await Promise.all([this.getParser(), this.getGrammar(file)]);
    // From here on nothing awaits: the trees read below cannot be evicted meanwhile.
    this.freeUnfreed();
    parser.setLanguage(grammar.language);
    const oldTree = this.tree(file, before, () => parser.parse(before));
    const newTree = this.tree(file, after, () => {
      // Only where the line endings are the ones tree-sitter counts rows by can the hunks' lines be its rows.
      if (/\r(?!\n)/.test(before) || /\r(?!\n)/.test(after)) return parser.parse(after);
      const base = oldTree.copy();
      try {
        for (const edit of editsOf(before, after, hunks)) base.edit(edit);
        return parser.parse(after, base);
      } finally {
        base.delete();
      }
    });
    const now = readRanges(newTree.rootNode, grammar.query, newRanges);
    const broken = this.brokenBy(oldTree, before, newTree, after, grammar, newRanges);
    return {
      old: readRanges(oldTree.rootNode, grammar.query, oldRanges),
      now,
      broken: broken === null ? null : owningChange(broken, hunks, now.definitions),
    };
  }

  /**
   * Where the edit broke the text. An original that does not parse (tree-sitter misreads some
   * valid code, such as type arguments on a tagged template) does not silence the check: the
   * broken top-level constructs of both sides are compared, and one the edit introduced (new, or
   * the text now ending inside a construct that was closed before) is reported; errors that were
   * already there are not. Python: also a block with no statement (`def f():` over only
   * comments), which tree-sitter accepts and CPython does not.
   */
  private brokenBy(oldTree: Tree, before: string, newTree: Tree, after: string, grammar: Grammar, newRanges: LineRange[]): number | null {
    let line: number | null = null;
    if (newTree.rootNode.hasError) line = oldTree.rootNode.hasError ? newlyBroken(oldTree.rootNode, before, newTree.rootNode, after) : brokenConstructLine(newTree.rootNode, after);
    if (line !== null || !grammar.blocks) return line;
    const near = newRanges.map(([start, end]): LineRange => [Math.max(0, start - 1), end]);
    line = pythonIndentError(blocksIn(newTree.rootNode, grammar.blocks, newRanges), linesOf(after)) ?? emptyBlock(blocksIn(newTree.rootNode, grammar.blocks, near));
    if (line === null) return null;
    const everything: LineRange = [0, oldTree.rootNode.endPosition.row + 1];
    const oldBlocks = blocksIn(oldTree.rootNode, grammar.blocks, [everything]);
    if (pythonIndentError(oldBlocks, linesOf(before)) !== null) return null;
    // An empty block the original had already (the same header) is not the edit's.
    const header = linesOf(after)[line]?.trim();
    if (oldBlocks.some((b) => b.namedChildCount === 0 && b.parent && linesOf(before)[b.parent.startPosition.row]?.trim() === header)) return null;
    return line;
  }

  private async readFallback(text: string, language: GuardLanguage, ranges: LineRange[]): Promise<ParsedText> {
    if (language.comments !== 'html') return { comments: [], definitions: [] };
    const touches = (start: number, end: number) => ranges.some(([s, e]) => start < e && end >= s);
    const comments = htmlComments(text, language.id === 'markdown').filter((c) => touches(c.startLine, c.endLine));
    const definitions: Definition[] = [];
    if (language.id === 'html') {
      const parser = await this.getParser();
      for (const { grammar: file, ranges: included } of embeddedInHtml(text)) {
        const grammar = await this.getGrammar(file);
        parser.setLanguage(grammar.language);
        const tree = parser.parse(text, null, { includedRanges: included });
        if (!tree) continue;
        try {
          const embedded = readRanges(tree.rootNode, grammar.query, ranges);
          comments.push(...embedded.comments);
          definitions.push(...embedded.definitions);
        } finally {
          tree.delete();
        }
      }
    }
    return { comments: comments.sort((a, b) => a.startLine - b.startLine), definitions };
  }

  /**
   * The tree of a text, from the recent ones, an open file's kept one or made now (and then
   * kept among the recent ones, the oldest let go). Keyed by the text alone: building a grammar-and-text key would copy the whole text.
   */
  private tree(file: string, text: string, make: () => Tree | null): Tree {
    const recent = this.trees.get(text);
    this.trees.delete(text);
    let tree = recent?.file === file ? recent.tree : undefined;
    if (!tree) {
      recent?.tree.delete();
      tree = this.kept.take(file, text) ?? make() ?? undefined;
      if (!tree) throw new Error(`tree-sitter could not parse this text with ${file}`);
      this.kept.adopt(file, text, tree);
    }
    this.trees.set(text, { file, tree });
    while (this.trees.size > recentTrees) {
      const [oldest, { tree: old }] = this.trees.entries().next().value!;
      this.trees.delete(oldest);
      this.freeSoon(old);
    }
    return tree;
  }

  /**
   * Frees a tree after the check that let it go has answered: releasing a tree that shares its
   * nodes with no other (another file's) walks every one of them, milliseconds for a large file.
   * At the latest before the next check, so a loop of checks that never yields holds no more.
   */
  private freeSoon(tree: Tree): void {
    if (this.unfreed.push(tree) === 1) setImmediate(() => this.freeUnfreed());
  }

  private freeUnfreed(): void {
    for (const tree of this.unfreed.splice(0)) tree.delete();
  }

  private getRuntime(): Promise<void> {
    this.runtime ??= TreeSitter.Parser.init({ locateFile: (file: string) => path.join(this.wasmDir, file) });
    return this.runtime;
  }

  private getParser(): Promise<Parser> {
    this.parser ??= this.getRuntime().then(() => new TreeSitter.Parser());
    return this.parser;
  }

  private getGrammar(file: string): Promise<Grammar> {
    let loaded = this.grammars.get(file);
    if (!loaded) {
      // Bytes, not a path: web-tree-sitter's own file loading does not survive bundling. Languages load once the runtime has.
      loaded = Promise.all([readFile(path.join(this.wasmDir, file)), this.getRuntime()])
        .then(([bytes]) => TreeSitter.Language.load(bytes))
        .then((language) => ({
          language,
          query: commentsAndDefinitions(language),
          blocks: file === 'tree-sitter-python.wasm' ? new TreeSitter.Query(language, '(block) @block') : undefined,
        }));
      this.grammars.set(file, loaded);
    }
    return loaded;
  }
}

function defaultWasmDir(): string {
  const bundled = path.join(__dirname, 'tree-sitter');
  if (existsSync(path.join(bundled, 'tree-sitter.wasm'))) return bundled;
  return path.dirname(require.resolve('@vscode/tree-sitter-wasm'));
}
