import TreeSitter from '@vscode/tree-sitter-wasm';

type Parser = InstanceType<typeof TreeSitter.Parser>;
export type Tree = NonNullable<ReturnType<Parser['parse']>>;
export type SyntaxNode = Tree['rootNode'];
export type Language = Awaited<ReturnType<typeof TreeSitter.Language.load>>;
export type Query = InstanceType<typeof TreeSitter.Query>;

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

/** What the guard reads from one side of an edit, around the lines the edit changed. */
export interface ParsedText {
  comments: Comment[];
  definitions: Definition[];
}

/** Lines [start, end) of a text, 0-based. */
export type LineRange = [start: number, end: number];

const definitionTypes = [
  'function_declaration', 'function_definition', 'function_item', 'method_definition', 'method_declaration', 'method',
  'singleton_method', 'generator_function_declaration', 'class_declaration', 'class_definition', 'class',
  'interface_declaration', 'struct_item', 'impl_item', 'trait_item', 'enum_item', 'constructor_declaration',
  'rule_set', 'abstract_method_signature', 'lexical_declaration', 'variable_declaration',
];

/**
 * One query per grammar for every comment and definition node: the matching runs inside the
 * wasm module, and only the matches cross into JavaScript (walking every node from JavaScript
 * costs ten times more). Built from the node types this grammar really has.
 */
export function commentsAndDefinitions(language: Language): Query {
  const named = (type: string) => language.idForNodeType(type, true) !== null;
  const comments = [...new Set(language.types)].filter((t) => t && /comment/.test(t) && named(t));
  const definitions = definitionTypes.filter(named);
  const source = [
    comments.length ? `[${comments.map((t) => `(${t})`).join(' ')}] @comment` : '',
    definitions.length ? `[${definitions.map((t) => `(${t})`).join(' ')}] @definition` : '',
  ].join('\n');
  return new TreeSitter.Query(language, source);
}

/**
 * The comments and definitions that touch the given lines, enclosing definitions included (a
 * query cursor limited to a range still reports the nodes that span it). Reading only there
 * keeps a one-line edit in a 5,000-line file cheap; the guard never needs the untouched rest.
 */
export function readRanges(root: SyntaxNode, query: Query, ranges: LineRange[]): ParsedText {
  const comments: Comment[] = [];
  const definitions: Definition[] = [];
  const seen = new Set<number>();
  for (const [start, end] of ranges) {
    const captures = query.captures(root, { startPosition: { row: start, column: 0 }, endPosition: { row: Math.max(end, start + 1), column: 0 } });
    for (const { name, node } of captures) {
      if (seen.has(node.id)) continue;
      seen.add(node.id);
      if (name === 'comment') {
        comments.push({ startLine: node.startPosition.row, endLine: node.endPosition.row, text: node.text });
      } else {
        const definition = toDefinition(node);
        if (definition) definitions.push(definition);
      }
    }
  }
  comments.sort((a, b) => a.startLine - b.startLine);
  definitions.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
  return { comments, definitions };
}

/** The edit's changed lines merged into few ranges: one query per nearby group, not per hunk. */
export function mergeRanges(ranges: LineRange[], slack = 8): LineRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: LineRange[] = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last && start <= last[1] + slack) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** `const f = () => {}`, `var f = function () {}`: functions by way of a variable. */
const variableTypes = new Set(['lexical_declaration', 'variable_declaration']);

function toDefinition(node: SyntaxNode): Definition | undefined {
  if (node.type === 'rule_set') {
    const selectors = node.namedChildren.find((c) => c?.type === 'selectors');
    return selectors ? { name: selectors.text, kind: 'rule', startLine: node.startPosition.row, endLine: node.endPosition.row } : undefined;
  }
  let nameNode = node.childForFieldName('name');
  let body = node.childForFieldName('body');
  if (variableTypes.has(node.type)) {
    // const save = () => {...}: the declarator's name and the function's own body, when the value is a function.
    const declarator = node.namedChildren.find((c) => c?.type === 'variable_declarator');
    const value = declarator?.childForFieldName('value');
    if (!value || !/function|arrow/.test(value.type)) return undefined;
    nameNode = declarator!.childForFieldName('name');
    body = value.childForFieldName('body');
    // An expression body (`() => x`) is the whole implementation, never an emptied block.
    if (body && body.type !== 'statement_block') body = null;
  }
  if (!nameNode) return undefined;
  return {
    name: nameNode.text,
    kind: variableTypes.has(node.type) ? 'function' : node.type.replace(/_(declaration|definition|item)$/, '').replace(/_/g, ' '),
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
