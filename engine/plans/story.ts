import { unsaidFields, type PlanTask } from './model';
import { slug } from './slug';
import type { Structure } from './structure';
import type { Line } from './text';
import { parseStatus } from './words';

/**
 * A story file (BMAD): the story is a task whose status is the paragraph under its `## Status`
 * heading (`In Progress`, `Done`, `Approved`); its id and title come from the `# Story 2.3: …`
 * heading. The checklists under `## Tasks / Subtasks` stay tasks of their own.
 */
export function readStoryTask(lines: readonly Line[], structure: Structure): PlanTask | undefined {
  const statusHeading = structure.headings.find((h) => h.level >= 2 && /^status$/i.test(h.text.replace(/[*_]/g, '').trim()));
  if (!statusHeading) return undefined;
  const paragraph = structure.paragraphAfterHeading.get(statusHeading.line);
  if (!paragraph || paragraph.startLine !== paragraph.lastLine) return undefined;
  const line = lines[paragraph.startLine];
  const raw = line.text.trim();
  const status = parseStatus(raw);
  if (status === 'unknown') return undefined;
  const top = structure.headings.find((h) => h.level === 1 && h.line < statusHeading.line);
  const story = top && /^Story\s+([\w.-]+)\s*[:.\-–—]\s*(.+)$/i.exec(top.text);
  const title = story ? story[2].trim() : (top?.text ?? raw);
  const at = line.start + line.text.indexOf(raw);
  return {
    ...unsaidFields,
    id: story ? story[1] : slug(title),
    title,
    status,
    rawStatus: raw,
    dependencies: [],
    dialect: 'header-block',
    line: top?.line ?? statusHeading.line,
    startLine: top?.line ?? statusHeading.line,
    endLine: paragraph.lastLine,
    statusSpan: { start: at, end: at + raw.length },
  };
}
