import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePlan, PlanIndex, type PlanDocument } from '../../engine/plans';

/**
 * What a careful reader of each example plan (shared/examples/plans, copied into demo/) would
 * say: its tasks with ids, titles, statuses, priorities, dependencies and deliverable counts,
 * and its problems.
 */
const demo = path.resolve(__dirname, '../../demo');
const read = (relative: string): PlanDocument => parsePlan(relative, readFileSync(path.join(demo, relative), 'utf8'));

/** id | status | priority | dependencies | deliverables done/total */
function summary(doc: PlanDocument): string[] {
  return doc.tasks.map(
    (t) =>
      `${t.id} | ${t.status} | ${t.priority ?? '-'} | ${t.dependencies.join(',') || '-'} | ${t.deliverables.filter((d) => d.done).length}/${t.deliverables.length}`,
  );
}

function problems(doc: PlanDocument): string[] {
  const index = new PlanIndex();
  index.set(doc);
  return index.problems(doc.file).map((p) => `${p.line + 1} ${p.code}${p.taskId ? ` ${p.taskId}` : ''}`);
}

describe('the example plans parse as a careful reader would', () => {
  it('header-block.md: three tasks by title, fenced checkbox ignored, nested deliverables counted', () => {
    const doc = read('plans/header-block.md');
    assert.deepEqual(doc.dialects, ['header-block']);
    assert.deepEqual(summary(doc), [
      'add-offline-sync-for-notes | in-progress | high | - | 3/7',
      'rate-limit-the-public-search-endpoint | todo | medium | Add Offline Sync for Notes | 0/3',
      'remove-legacy-editor-components | done | low | - | 2/2',
    ]);
    assert.deepEqual(doc.tasks.map((t) => t.title), [
      'Add Offline Sync for Notes',
      'Rate Limit the Public Search Endpoint',
      'Remove Legacy Editor Components',
    ]);
    assert.equal(doc.tasks[2].parent, 'rate-limit-the-public-search-endpoint', 'ParentTask by title resolves to the id');
    assert.equal(doc.checkboxes.length, 12, 'the checkbox inside the ```markdown fence is not counted');
    assert.deepEqual(problems(doc), []);
  });

  it('task-heading.md: four tasks, fields, To-dos mirror, the fenced example ignored', () => {
    const doc = read('plans/task-heading.md');
    assert.deepEqual(doc.dialects, ['task-heading']);
    assert.deepEqual(summary(doc), [
      '1 | done | critical | - | 0/0',
      '2 | in-progress | high | 1 | 0/0',
      '3 | blocked | medium | 1,2 | 0/0',
      '4 | todo | low | 2,7 | 0/0',
    ]);
    const [one, two, three] = doc.tasks;
    assert.equal(one.title, 'Consolidate Invoice Schema');
    assert.deepEqual([one.assignee, one.started, one.completed, one.effort], ['agent-alpha', '2026-03-02', '2026-03-03', '2 days']);
    assert.deepEqual([two.assignee, two.started, two.lastUpdated], ['agent-beta', '2026-03-04', '2026-03-05']);
    assert.equal(three.blocker, 'waiting for the payment provider sandbox keys');
    assert.deepEqual(doc.todoLines.map((l) => `${l.taskId}:${l.box.mark}`), ['1:x', '2: ', '3: ', '4:x']);
    assert.ok(!doc.tasks.some((t) => t.id === '99'), 'Task 99 lives in a code fence');
    assert.deepEqual(problems(doc), ['42 unknown-dependency 4', '62 todo-mismatch 4']);
  });

  it('numbered-section.md: numbered headings with status are tasks, sections without are not', () => {
    const doc = read('plans/numbered-section.md');
    assert.deepEqual(doc.dialects, ['numbered-section', 'checklist']);
    assert.deepEqual(summary(doc), [
      '1.1.1 | done | critical | - | 0/0',
      '1.1.2 | in-progress | high | - | 0/0',
      '1.1.3 | todo | medium | - | 0/0',
      '1.2 | todo | high | - | 0/2',
      '2.1 | todo | - | - | 0/0',
      '2.2 | done | - | - | 0/0',
    ]);
    assert.equal(doc.tasks[0].completed, '2026-02-08', 'the date in "✅ COMPLETED (2026-02-08)"');
    assert.equal(doc.tasks[1].rawStatus, '🚧 Partially Implemented');
    assert.equal(doc.tasks[0].effort, '2 days');
    assert.deepEqual(problems(doc), []);
  });

  it('checklist.md: items are tasks with section-based ids, sizes, and subtasks', () => {
    const doc = read('plans/checklist.md');
    assert.deepEqual(doc.dialects, ['checklist']);
    assert.deepEqual(
      doc.tasks.map((t) => `${t.id} ${t.status} ${t.effort} ${t.parent ?? '-'}`),
      [
        '1.1.1 done XS -',
        '1.1.2 done XS -',
        '1.1.3 todo XS -',
        '1.2.1 todo S -',
        '1.2.2 todo XS -',
        '1.2.3 todo M -',
        '2.1 todo XS -',
        '2.2 done XS -',
        '2.2.1 todo XS 2.2',
      ],
    );
    assert.equal(doc.tasks.length, 9, 'the file itself says "Total Estimated Tasks: 9"');
    assert.equal(doc.tasks[0].title, 'Create `pool/` directory');
    // A done item with an open subtask (Graceful shutdown, Drain in-flight tasks) is a contradiction to see.
    assert.deepEqual(problems(doc), ['20 done-with-open-items 2.2']);
  });

  it('table.md: rows of ID+Status tables are tasks; the Subtask table gives subtasks', () => {
    const doc = read('plans/table.md');
    assert.deepEqual(doc.dialects, ['table']);
    assert.deepEqual(
      doc.tasks.map((t) => `${t.id} ${t.status} ${t.priority ?? '-'} ${t.assignee} ${t.parent ?? '-'}`),
      [
        'infra-001 done critical Platform -',
        'infra-002 in-progress high DevOps -',
        'infra-003 todo medium DevOps -',
        'qual-001 todo high QA -',
        'qual-002 done high QA -',
        'qual-001-a done - QA qual-001',
        'qual-001-b in-progress - QA qual-001',
        'qual-001-c todo - DevEx qual-001',
      ],
    );
    assert.equal(doc.tasks[3].rawStatus, '🔄 planned', 'the word decides: planned is todo');
    assert.equal(doc.tasks[0].title, 'Pin Node and add CI');
    assert.deepEqual(problems(doc), []);
  });

  it('tasks.md: explicit ids, [P] markers, requirements and _Depends_ lines', () => {
    const doc = read('plans/tasks.md');
    assert.deepEqual(
      doc.tasks.map((t) => `${t.id} ${t.status} ${t.parent ?? '-'} ${t.dependencies.join(',') || '-'}`),
      ['T001 done - -', 'T002 todo - -', 'T003 todo - -', '1 todo - -', '1.1 todo 1 -', '1.2 done 1 -', '2 todo - 1.1'],
    );
    assert.equal(doc.tasks[1].metadata.parallel, 'true');
    assert.equal(doc.tasks[4].metadata.requirements, '2.1, 2.3');
    assert.equal(doc.tasks[0].title, 'Create `export/` module with the CSV writer interface');
    assert.deepEqual(problems(doc), []);
  });

  it('crlf.md: CRLF lines read like LF ones', () => {
    const doc = read('plans/crlf.md');
    assert.deepEqual(summary(doc), ['1 | todo | low | - | 1/2']);
    assert.ok(doc.text.includes('\r\n'));
  });

  it('search-ui.plan.md: Cursor front-matter todos', () => {
    const doc = read('.cursor/plans/search-ui.plan.md');
    assert.deepEqual(doc.dialects, ['front-matter']);
    assert.deepEqual(
      doc.tasks.map((t) => `${t.id} ${t.status} ${t.rawStatus}`),
      ['facets-api done completed', 'results-grid in-progress in_progress', 'empty-state todo pending', 'legacy-removal cancelled cancelled'],
    );
    assert.equal(doc.tasks[0].title, 'Add facets to the search API: counts per type and per owner');
  });
});

describe('messier plans', () => {
  const parse = (text: string) => parsePlan('mess.md', text);

  it('reads mojibake status words by their word, and known garbled symbols', () => {
    const doc = parse('| ID | Status |\n|---|---|\n| `a-1` | âœ… done |\n| `a-2` | ‚úÖ |\n| `a-3` | ðŸ”„ in progress |\n');
    assert.deepEqual(doc.tasks.map((t) => t.status), ['done', 'done', 'in-progress']);
  });

  it('flags an unknown status and a bad date, and keeps odd checkbox marks', () => {
    const doc = parse('### Task 1: A\n\n**Status**: someday | **Started**: March 4\n\n- [#] odd box\n- [~] half\n');
    const index = new PlanIndex();
    index.set(doc);
    const codes = index.problems('mess.md').map((p) => p.code);
    assert.ok(codes.includes('unknown-status'));
    assert.ok(codes.includes('bad-date'));
    assert.ok(codes.includes('unknown-status'), 'the [#] box is reported');
    assert.deepEqual(doc.tasks[0].deliverables.map((d) => d.mark), ['#', '~']);
  });

  it('ignores tasks in tilde fences, indented code, HTML comments and inline code', () => {
    const doc = parse(
      ['~~~', '- [ ] fenced', '~~~', '', '    - [ ] indented code', '', '<!--', '- [ ] commented', '-->', '', 'Text `- [ ] inline` here.', '', '- [ ] real'].join('\n'),
    );
    assert.deepEqual(doc.tasks.map((t) => t.title), ['real']);
  });

  it('an unclosed fence hides the rest and says so', () => {
    const doc = parse('- [ ] before\n````\n- [ ] inside\n```\n- [ ] still inside\n');
    assert.deepEqual(doc.tasks.map((t) => t.title), ['before']);
    assert.deepEqual(doc.problems.map((p) => `${p.line + 1} ${p.code}`), ['2 unreadable']);
  });

  it('reports a cycle, a done task with an open dependency and with open deliverables', () => {
    const doc = parse(
      [
        '### Task 1: A', '', '**Status**: done | **Dependencies**: [2]', '', '- [ ] left over', '',
        '### Task 2: B', '', '**Status**: todo | **Dependencies**: [3]', '',
        '### Task 3: C', '', '**Status**: todo | **Dependencies**: [2]', '',
      ].join('\n'),
    );
    const index = new PlanIndex();
    index.set(doc);
    const found = index.problems('mess.md').map((p) => `${p.code} ${p.taskId}`);
    assert.ok(found.includes('done-with-open-dependency 1'));
    assert.ok(found.includes('done-with-open-items 1'));
    assert.ok(found.includes('dependency-cycle 2') && found.includes('dependency-cycle 3'));
    assert.match(index.problems('mess.md').find((p) => p.code === 'dependency-cycle')!.message, /2 → 3 → 2|3 → 2 → 3/);
  });

  it('resolves dependencies across files by title, never by a bare number', () => {
    const a = parsePlan('a.md', '# Ship It\nStatus: TODO\nDependencies: [Build It]\n');
    const b = parsePlan('b.md', '# Build It\nStatus: DONE\n\n### Task 7: X\n\n**Status**: done\n');
    const c = parsePlan('c.md', '### Task 1: Y\n\n**Status**: todo | **Dependencies**: [7]\n');
    const index = new PlanIndex();
    for (const doc of [a, b, c]) index.set(doc);
    assert.deepEqual(index.problems('a.md'), []);
    assert.deepEqual(index.problems('c.md').map((p) => p.code), ['unknown-dependency']);
    assert.equal(index.next()?.task.title, 'Ship It');
  });

  it('flags duplicate ids in one plan', () => {
    const doc = parse('- [ ] T001 one\n- [ ] T001 two\n');
    const index = new PlanIndex();
    index.set(doc);
    assert.deepEqual(index.problems('mess.md').map((p) => `${p.line + 1} ${p.code}`), ['2 duplicate-task-id']);
  });

  it('picks the next task by priority, then fewer dependencies, then document order', () => {
    const doc = parse(
      [
        '# A', 'Priority: LOW', 'Status: TODO', '',
        '# B', 'Priority: HIGH', 'Status: TODO', 'Dependencies: [A]', '',
        '# C', 'Priority: HIGH', 'Status: TODO', '',
        '# D', 'Priority: HIGH', 'Status: TODO', '',
      ].join('\n'),
    );
    const index = new PlanIndex();
    index.set(doc);
    assert.equal(index.next()?.task.title, 'C');
  });
});
