import type { Dialect } from '../model';
import { checklist } from './checklist';
import { emojiList } from './emojiList';
import type { PlanFormat } from './format';
import { frontMatter } from './frontMatter';
import { headerBlock } from './headerBlock';
import { numberedSection } from './numberedSection';
import { roadmap } from './roadmap';
import { statusList } from './statusList';
import { story } from './story';
import { table } from './table';
import { taskHeading } from './taskHeading';
import { taskMaster } from './taskMaster';

export type { EditResult, PlanFormat, PlanSource, SettableStatus } from './format';
export { frontMatterLines } from './frontMatter';
export { statusReader } from './legend';
export { namesTask, sectionNumberOf } from './checklist';

/**
 * Every plan format, in the order they read a file: a line one format takes is not read again
 * by the next. Heading formats with ids come before `header-block`, which takes any heading
 * left; heading formats come before `checklist`, whose boxes in their sections are their
 * deliverables; tables and lists come after the tasks they may restate.
 */
export const planFormats: readonly PlanFormat[] = [frontMatter, taskMaster, taskHeading, numberedSection, roadmap, headerBlock, checklist, table, emojiList, statusList, story];

const byDialect = new Map(planFormats.map((f) => [f.dialect, f]));

/** The format that reads and writes tasks of a dialect. */
export function formatOf(dialect: Dialect): PlanFormat {
  return byDialect.get(dialect)!;
}
