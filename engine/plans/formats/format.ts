import type { Checkbox, Dialect, PlanDocument, PlanTask, Problem, Status, TodoLine } from '../model';
import type { Structure } from '../structure';
import type { Line, TextEdit } from '../text';

/**
 * The one shape every plan format has (SPEC §1 "Formats written by planning tools"): it
 * recognizes a file that may hold its tasks, reads them, and writes a status in its own words.
 * The registry (`./index.ts`) runs the formats in order over one parsed file; adding a format is
 * a new module of this shape and a line in that list.
 */
export interface PlanFormat {
  /** The dialect its tasks carry (`PlanTask.dialect`); edits find the format by it. */
  readonly dialect: Dialect;
  /** A cheap look: false when the file cannot hold this format's tasks, so most formats skip most files. */
  recognize(source: PlanSource): boolean;
  /**
   * The format's tasks. Lines earlier formats took (`source.taken`) are theirs; a format may add
   * problems, checkboxes and To-dos lines to the source, and section tasks (see `sectionTasks`).
   */
  read(source: PlanSource): PlanTask[];
  /** The edits that make `task` say `status` (never `unknown`; never the status it already has). */
  setStatus(doc: PlanDocument, task: PlanTask, status: SettableStatus, date: string): EditResult;
}

export type SettableStatus = Exclude<Status, 'unknown'>;

export type EditResult = { ok: true; edits: TextEdit[] } | { ok: false; error: string };

/** One plan file as every format reads it, plus what the formats before found. */
export interface PlanSource {
  readonly text: string;
  readonly lines: readonly Line[];
  readonly structure: Structure;
  /** The YAML front matter's `---` lines, when the file starts with one. */
  readonly frontMatter: { open: number; close: number } | null;
  /** The last line of each heading's section (up to the next heading of its level or higher), by heading line. */
  readonly sectionEnds: ReadonlyMap<number, number>;
  /** Tasks read so far, in registry order. */
  readonly tasks: readonly PlanTask[];
  /** Lines that introduce a task already read. */
  readonly taken: ReadonlySet<number>;
  /** Tasks that own their heading's section: boxes in it are their deliverables, tables and lists in it their subtasks. */
  readonly sectionTasks: PlanTask[];
  /** The innermost section task whose section (below its heading) holds `line`. */
  sectionOwner(line: number): PlanTask | undefined;
  /** Every checkbox outside code (the checklist format fills it). */
  readonly checkboxes: Checkbox[];
  readonly todoLines: TodoLine[];
  readonly problems: Problem[];
  /** A status text's meaning: the words and symbols of SPEC §1, then the file's own colour legend. */
  status(raw: string): Status;
  /** `token` when it is a status symbol (or a colour the file's legend defines), else undefined. */
  statusSymbol(token: string): string | undefined;
}
