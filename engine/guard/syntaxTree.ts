import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import TreeSitter from '@vscode/tree-sitter-wasm';
import type { GuardLanguage } from './languages';

type Parser = InstanceType<typeof TreeSitter.Parser>;
type Language = Awaited<ReturnType<typeof TreeSitter.Language.load>>;
type Query = InstanceType<typeof TreeSitter.Query>;
export type SyntaxNode = NonNullable<ReturnType<NonNullable<ReturnType<Parser['parse']>>['rootNode']['child']>>;

/** A comment in a text: its lines and its text. */
export interface Comment {
  startLine: number;
  endLine: number;
  text: string;
}

/** A named definition (function, method, class, CSS rule...) and its lines. */
export interface Definition {
  name: string;
  kind: string;
  startLine: number;
  endLine: number;
  /** The body node's lines and whether it holds anything but comments. */
  body?: { startLine: number; endLine: number; empty: boolean };
}

export interface ParsedText {
  comments: Comment[];
  definitions: Definition[];
  /** First line of the first syntax error, or null when the text parses. */
  errorLine: number | null;
}

/**
 * web-tree-sitter and the grammars of @vscode/tree-sitter-wasm. The wasm files sit beside the
 * bundle (dist/tree-sitter/, copied by esbuild.mjs) or, when running from source, in the package.
 */
export class SyntaxTrees {
  private parser: Parser | undefined;
  private readonly languages = new Map<string, Promise<{ language: Language; query: Query }>>();

  constructor(private readonly wasmDir = defaultWasmDir()) {}

  /**
   * The last texts read, by content: the server checks each new version of a file against the
   * one before, which it has read already.
   */
  private readonly recent = new Map<string, ParsedText>();

  async parse(text: string, language: GuardLanguage): Promise<ParsedText | undefined> {
    if (!language.grammar) return undefined;
    const key = `${language.grammar}\u0000${text}`;
    const cached = this.recent.get(key);
    if (cached) return cached;
    const parsed = await this.parseUncached(text, language.grammar);
    if (parsed) {
      this.recent.set(key, parsed);
      if (this.recent.size > 16) this.recent.delete(this.recent.keys().next().value!);
    }
    return parsed;
  }

  private async parseUncached(text: string, grammarFile: string): Promise<ParsedText | undefined> {
    const parser = await this.getParser();
    const { language: grammar, query } = await this.getLanguage(grammarFile);
    parser.setLanguage(grammar);
    const tree = parser.parse(text);
    if (!tree) return undefined;
    try {
      return read(tree.rootNode as unknown as SyntaxNode, query);
    } finally {
      tree.delete();
    }
  }

  private async getParser(): Promise<Parser> {
    if (!this.parser) {
      await TreeSitter.Parser.init({ locateFile: (file: string) => path.join(this.wasmDir, file) });
      this.parser = new TreeSitter.Parser();
    }
    return this.parser;
  }

  private getLanguage(grammar: string): Promise<{ language: Language; query: Query }> {
    let loaded = this.languages.get(grammar);
    if (!loaded) {
      // Bytes, not a path: web-tree-sitter's own file loading does not survive bundling.
      loaded = readFile(path.join(this.wasmDir, grammar))
        .then((bytes) => TreeSitter.Language.load(bytes))
        .then((language) => ({ language, query: commentsAndDefinitions(language) }));
      this.languages.set(grammar, loaded);
    }
    return loaded;
  }
}

function defaultWasmDir(): string {
  const bundled = path.join(__dirname, 'tree-sitter');
  if (existsSync(path.join(bundled, 'tree-sitter.wasm'))) return bundled;
  return path.dirname(require.resolve('@vscode/tree-sitter-wasm'));
}

const definitionTypes = [
  'function_declaration', 'function_definition', 'function_item', 'method_definition', 'method_declaration', 'method',
  'singleton_method', 'generator_function_declaration', 'class_declaration', 'class_definition', 'class',
  'interface_declaration', 'struct_item', 'impl_item', 'trait_item', 'enum_item', 'constructor_declaration',
  'rule_set', 'abstract_method_signature', 'lexical_declaration',
];

/**
 * One query per grammar for every comment and definition node: the matching runs inside the
 * wasm module, and only the matches cross into JavaScript (walking every node from JavaScript
 * costs ten times more). Built from the node types this grammar really has.
 */
function commentsAndDefinitions(language: Language): Query {
  const named = (type: string) => language.idForNodeType(type, true) !== null;
  const comments = [...new Set(language.types)].filter((t) => t && /comment/.test(t) && named(t));
  const definitions = definitionTypes.filter(named);
  const source = [
    comments.length ? `[${comments.map((t) => `(${t})`).join(' ')}] @comment` : '',
    definitions.length ? `[${definitions.map((t) => `(${t})`).join(' ')}] @definition` : '',
  ].join('\n');
  return new TreeSitter.Query(language, source);
}

function read(root: SyntaxNode, query: Query): ParsedText {
  const comments: Comment[] = [];
  const definitions: Definition[] = [];
  for (const capture of query.captures(root as never)) {
    const node = capture.node as unknown as SyntaxNode;
    if (capture.name === 'comment') {
      comments.push({ startLine: node.startPosition.row, endLine: node.endPosition.row, text: node.text });
    } else {
      const definition = toDefinition(node);
      if (definition) definitions.push(definition);
    }
  }
  return { comments, definitions, errorLine: root.hasError ? firstError(root) : null };
}

/** The line of the first ERROR or MISSING node, following only the children that hold one. */
function firstError(root: SyntaxNode): number {
  let node: SyntaxNode = root;
  for (;;) {
    if (node.isError || node.isMissing) return node.startPosition.row;
    const next = node.children.find((c) => c && (c.hasError || c.isError || c.isMissing));
    if (!next) return node.startPosition.row;
    node = next as SyntaxNode;
  }
}

function toDefinition(node: SyntaxNode): Definition | undefined {
  let nameNode = node.childForFieldName('name');
  if (node.type === 'lexical_declaration') {
    // const save = () => {...}: the declarator's name, when its value is a function.
    const declarator = node.namedChildren.find((c) => c?.type === 'variable_declarator');
    const value = declarator?.childForFieldName('value');
    if (!value || !/function|arrow/.test(value.type)) return undefined;
    nameNode = declarator!.childForFieldName('name');
  }
  if (node.type === 'rule_set') {
    const selectors = node.namedChildren.find((c) => c?.type === 'selectors');
    return selectors ? { name: selectors.text, kind: 'rule', startLine: node.startPosition.row, endLine: node.endPosition.row } : undefined;
  }
  if (!nameNode) return undefined;
  const body = node.childForFieldName('body');
  return {
    name: nameNode.text,
    kind: node.type === 'lexical_declaration' ? 'function' : node.type.replace(/_(declaration|definition|item)$/, '').replace(/_/g, ' '),
    startLine: node.startPosition.row,
    endLine: node.endPosition.row,
    body: body
      ? {
          startLine: body.startPosition.row,
          endLine: body.endPosition.row,
          empty: body.namedChildCount === 0 || (body.namedChildCount < 4 && body.namedChildren.every((c) => !c || c.type.includes('comment'))),
        }
      : undefined,
  };
}
