import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { applyEdits, dialects, parsePlan, parseStatus, PlanIndex, setStatus, toggleCheckbox, type PlanDocument, type PlanTask, type Status } from '../../engine/plans';
import { planFormats } from '../../engine/plans/formats';

/**
 * The formats planning tools write (issue 12), on fixtures written for Plumbline in each format
 * (test/fixtures/plan-formats): what a careful reader sees, and edits that give back the same
 * bytes when undone by the opposite edit.
 */
const root = path.resolve(__dirname, '../fixtures/plan-formats');
const read = (relative: string): PlanDocument => parsePlan(path.join(root, relative), readFileSync(path.join(root, relative), 'utf8'));
const byId = (doc: PlanDocument, id: string): PlanTask => {
  const task = doc.tasks.find((t) => t.id === id);
  assert.ok(task, `no task ${id} in ${doc.file}: ${doc.tasks.map((t) => t.id).join(', ')}`);
  return task;
};
/** Status texts Plumbline writes itself, which a round trip must give back byte for byte. */
const canonical = new Set(['[ ]', '[x]', '[X]', '[-]', '[/]', 'pending', 'in-progress', 'done', 'deferred', 'completed', 'in_progress', 'cancelled', '✅ Complete', 'Complete', '✅ done', '🔄 in progress', '📋 pending']);
const statuses = (doc: PlanDocument) => doc.tasks.map((t) => `${t.id} ${t.status}`);
const problems = (doc: PlanDocument) => {
  const index = new PlanIndex();
  index.set(doc);
  return index.problems(doc.file).map((p) => p.code);
};

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? allFiles(full) : [path.relative(root, full)];
  });
}

describe('plan formats of planning tools', () => {
  it('Kiro tasks.md: numbered boxes from 0, [-] in progress (and written back as [-]), optional [ ]* tasks kept, wrapped titles, requirements as metadata', () => {
    const doc = read('.kiro/specs/offline-sync/tasks.md');
    assert.deepEqual(statuses(doc), ['0 done', '1 done', '1.1 done', '1.2 in-progress', '1.3 todo', '2 todo', '2.1 in-progress', '2.2 todo', '2.3 todo', '3 todo']);
    assert.equal(byId(doc, '1.1').title, 'Define the journal record and its on-disk layout, with a version byte so old journals can still be read after an upgrade');
    assert.equal(byId(doc, '1.1').parent, '1');
    assert.equal(byId(doc, '1.3').metadata.optional, 'true');
    assert.equal(byId(doc, '2.3').metadata.optional, 'true');
    assert.equal(byId(doc, '1.2').metadata.optional, undefined);
    assert.equal(byId(doc, '2.2').metadata.requirements, '3.1, 3.4');
    assert.deepEqual(doc.checkboxes.filter((b) => !b.done).length, 7);
  });

  it('spec-kit tasks.md: ids, [P] and story markers as metadata, prose dependencies, and the legend is no task', () => {
    const doc = read('specs/001-export/tasks.md');
    assert.deepEqual(statuses(doc), ['T001 done', 'T002 done', 'T003 done', 'T004 todo', 'T005 todo', 'T006 todo', 'T007 todo']);
    const t5 = byId(doc, 'T005');
    assert.equal(t5.title, 'Add the Export button in web/ReportPage.tsx');
    assert.deepEqual(t5.dependencies, ['T003', 'T004']);
    assert.equal(t5.metadata.story, 'US1');
    assert.equal(byId(doc, 'T003').metadata.parallel, 'true');
    assert.equal(doc.checkboxes.length, 7, 'the `- [P] tasks = …` legend line is not a checkbox');
    assert.deepEqual(problems(doc), []);
  });

  it('TODO.md: a `# TODO` file is a checklist of tasks, not a To-dos mirror; odd boxes are kept and reported', () => {
    const doc = read('TODO.md');
    assert.equal(doc.todoLines.length, 0);
    assert.equal(doc.tasks.length, 6);
    assert.deepEqual(doc.tasks.map((t) => t.status), ['todo', 'done', 'unknown', 'unknown', 'todo', 'done']);
    assert.equal(doc.tasks[1].title, 'Keep the BOM when a file is written back, which matters on Windows where some editors add one and others do not');
    assert.deepEqual(doc.tasks.filter((t) => t.status === 'unknown').map((t) => t.rawStatus), ['[?]', '[!]']);
    assert.ok(!problems(doc).includes('todo-mismatch'));
  });

  it('Cursor plan with YAML Cursor writes but YAML does not accept: every todo read line by line, and the table in the body adds none', () => {
    const doc = read('.cursor/plans/billing.plan.md');
    assert.deepEqual(statuses(doc), ['ledger-schema done', 'invoice-writer in-progress', 'backfill todo', 'cleanup cancelled']);
    assert.equal(byId(doc, 'invoice-writer').title, 'Step 2: Invoice writer: write invoices as ledger entries');
    assert.deepEqual(byId(doc, 'invoice-writer').dependencies, ['ledger-schema']);
    assert.deepEqual(byId(doc, 'backfill').dependencies, ['ledger-schema', 'invoice-writer']);
    assert.equal(byId(doc, 'backfill').title, 'Step 3: Backfill old invoices');
    assert.deepEqual(problems(doc), []);
    const edit = setStatus(doc, 'backfill', 'in-progress');
    assert.ok(edit.ok);
    assert.match(applyEdits(doc.text, edit.edits), /id: backfill\n {4}content: "Step 3: Backfill old invoices"\n {4}status: in_progress\n/);
  });

  it('Task Master task file: the Task ID block with its fields, review and deferred, dependencies with status glyphs, and its subtasks', () => {
    const doc = read('.taskmaster/tasks/task_007.md');
    assert.deepEqual(statuses(doc), ['7 in-progress', '7.1 done', '7.2 todo', '7.3 paused']);
    const task = byId(doc, '7');
    assert.equal(task.title, 'Add rate limiting to the public API');
    const review = parsePlan('task_008.md', doc.text.replace('**Status:** in-progress', '**Status:** review').replace('Task ID: 7', 'Task ID: 8'));
    assert.equal(byId(review, '8').status, 'in-progress');
    const deferred = setStatus(doc, '7', 'paused');
    assert.ok(deferred.ok);
    assert.match(applyEdits(doc.text, deferred.edits), /\*\*Status:\*\* deferred\n/);
    assert.equal(task.priority, 'high');
    assert.deepEqual(task.dependencies, ['5', '6']);
    assert.deepEqual(doc.tasks.slice(1).map((t) => t.parent), ['7', '7', '7']);
    assert.deepEqual(byId(doc, '7.3').dependencies, ['7.2']);
  });

  it('status tables without an ID column: ids from a leading number or the title, completion cells for words it does not know', () => {
    const doc = read('memory-bank/progress.md');
    assert.deepEqual(statuses(doc), ['auth-service done', 'billing-service in-progress', 'search-service todo', 'gateway done', 'legacy-importer cancelled', '0 done', '1 done', '2 in-progress', '3 todo']);
    assert.equal(byId(doc, '2').title, 'Billing Export');
    assert.equal(byId(doc, 'auth-service').title, 'Auth Service');
  });

  it('BMAD story: the story is a task with the status under `## Status`, (AC: …) references are metadata, symbol-and-id lines are tasks, a QA Results section and prose about status are neither', () => {
    const doc = read('docs/stories/2.3.story.md');
    const story = byId(doc, '2.3');
    assert.deepEqual([story.title, story.status, story.rawStatus], ['Export reports as CSV', 'in-progress', 'In Progress']);
    const mapper = doc.tasks.find((t) => t.title === 'Build the row mapper')!;
    assert.equal(mapper.metadata.acceptanceCriteria, '1, 2');
    assert.deepEqual(
      doc.tasks.filter((t) => t.dialect === 'emoji-list').map((t) => `${t.id} ${t.status} ${t.parent ?? '-'}`),
      ['TASK-2.3.1 in-progress -', '1a done TASK-2.3.1', '1b in-progress TASK-2.3.1', '1c todo TASK-2.3.1'],
    );
    assert.ok(!doc.tasks.some((t) => /QA/.test(t.title)));
    assert.deepEqual(problems(doc), []);
    const done = setStatus(doc, '2.3', 'done');
    assert.ok(done.ok);
    assert.match(applyEdits(doc.text, done.edits), /## Status\n\nDone\n/);
    const symbol = setStatus(doc, '1c', 'in-progress');
    assert.ok(symbol.ok);
    assert.match(applyEdits(doc.text, symbol.edits), /^- 🔄 \*\*\[1c\]\*\* Stream large reports$/m);
  });

  it('titles keep no sizes, estimates, commit hashes or checkpoints; a ticked box set aside in words follows the words', () => {
    const doc = parsePlan('plan.md', [
      '# Roadmap',
      '',
      '- [x] 2.1 Ledger schema `S` 9c1e0b7',
      '- [x] 2.2 Invoice writer (Est: 45 min) (a4b5c6d)',
      '- [x] 2.3 ~~Old importer~~',
      '- [x] 2.4 PDF export (deferred)',
      '- [x] 2.5 Context menu (deferred - needs a custom menu)',
      '',
      '## Phase 2: Billing export [checkpoint: 3f9a2c1]',
      '',
      '**Status**: done',
      '',
    ].join('\n'));
    assert.deepEqual(
      doc.tasks.map((t) => `${t.id} ${t.status} ${t.title} ${JSON.stringify(t.metadata)}`),
      [
        '2.1 done Ledger schema {"commit":"9c1e0b7","size":"S"}',
        '2.2 done Invoice writer {"commit":"a4b5c6d","estimate":"45 min"}',
        '2.3 cancelled ~~Old importer~~ {}',
        '2.4 paused PDF export (deferred) {}',
        '2.5 done Context menu (deferred - needs a custom menu) {}',
        'phase-2-billing-export done Phase 2: Billing export {"checkpoint":"3f9a2c1"}',
      ],
    );
  });

  it('Task Master: bare task numbers resolve between the task files of one folder; a done parent with open subtasks is a problem', () => {
    const index = new PlanIndex();
    for (const file of ['task_005.md', 'task_006.md', 'task_007.md']) index.set(read(`.taskmaster/tasks/${file}`));
    const seven = path.join(root, '.taskmaster/tasks/task_007.md');
    assert.deepEqual(index.problems(seven).map((p) => p.code), []);
    assert.equal(index.resolve('6', seven)?.task.title, 'Count requests per key');
    // Outside a Task Master folder a bare number still never crosses files.
    const other = parsePlan('/elsewhere/plan.md', '# Plan\n\n### Task 1: Uses six\n\n**Status**: todo | **Dependencies**: [6]\n');
    index.set(other);
    assert.deepEqual(index.problems('/elsewhere/plan.md').map((p) => p.code), ['unknown-dependency']);
    const doneParent = parsePlan('/elsewhere/done.md', '# Plan\n\n- [x] 1. Ship it\n  - [x] 1.1 Build\n  - [ ] 1.2 Announce\n');
    index.set(doneParent);
    assert.deepEqual(index.problems('/elsewhere/done.md').map((p) => `${p.code} ${p.taskId}`), ['done-with-open-items 1']);
  });

  it('GSD roadmap: a phase is one task with its number as id, Depends on as dependencies and the progress table as its status; the overview box restates it', () => {
    const doc = read('.planning/ROADMAP.md');
    assert.deepEqual(statuses(doc), ['1 done', '2 in-progress', '3 todo']);
    assert.deepEqual(doc.tasks.map((t) => t.title), ['Foundations', 'Billing Export', 'Reporting']);
    assert.deepEqual(byId(doc, '3').dependencies, ['1', '2']);
    assert.deepEqual(byId(doc, '2').deliverables.map((b) => b.done), [true, false, false], 'the phase plans are its deliverables');
    assert.deepEqual(doc.mirrors.map((m) => `${m.of} ${m.task.line + 1}`), ['1 9', '2 10', '3 11']);
    assert.deepEqual(problems(doc), []);
    // Done: the table cell in the table's words, and the overview box ticked.
    const done = setStatus(doc, '3', 'done');
    assert.ok(done.ok);
    const after = applyEdits(doc.text, done.edits);
    assert.match(after, /^\| 3\. Reporting \| 0\/2 \| Complete {4}\| - \|$/m);
    assert.match(after, /^- \[x\] \*\*Phase 3: Reporting\*\*/m);
    assert.deepEqual(statuses(parsePlan(doc.file, after)), ['1 done', '2 in-progress', '3 done']);
  });

  it('Conductor plans: `Task:` items with commit hashes under checkpointed phases, `## Task N:` headings, and dependencies on phases that are sections', () => {
    const doc = parsePlan('/ws/conductor/plan.md', [
      '# Plan: Split the monolith',
      '',
      '## Phase 1: Extract the billing module [checkpoint: 4e8a1f2]',
      '',
      '- [x] Task: Move invoice models into billing/ 7c1d2e3',
      '    - [x] Write the import shims',
      '',
      '## Phase 2: Extract the search module',
      '',
      '- [~] Task: Move the indexer 9f0a1b2',
      '- [ ] Task: Point the API at the new module',
      '',
      '## Task 3: Remove the old entry points',
      '',
      '**Status**: pending | **Dependencies**: Phase 1, Phase 2, Phase 4',
      '',
    ].join('\n'));
    assert.deepEqual(
      doc.tasks.map((t) => `${t.id} ${t.status} ${t.title} ${t.metadata.commit ?? '-'}`),
      ['1.1 done Move invoice models into billing/ 7c1d2e3', '1.1.1 done Write the import shims -', '2.1 in-progress Move the indexer 9f0a1b2', '2.2 todo Point the API at the new module -', '3 todo Remove the old entry points -'],
    );
    assert.equal(byId(doc, '3').dialect, 'task-heading');
    // Phases 1 and 2 are sections of the file; phase 4 is nowhere.
    assert.deepEqual(problems(doc), ['unknown-dependency']);
  });

  it('numbered items with status sub-bullets, and colour emoji that follow the file\'s legend', () => {
    const doc = read('docs/plans/milestones.md');
    assert.deepEqual(statuses(doc), ['4.1 done', '4.2 in-progress', '4.3 todo', 'payments done', 'mailer in-progress', 'analytics todo']);
    assert.equal(byId(doc, '4.1').title, 'Pricing page');
    assert.equal(byId(doc, '4.2').assignee, 'Ben');
    assert.deepEqual(byId(doc, '4.2').dependencies, ['4.1']);
    assert.deepEqual(problems(doc), []);
    // The field and the colour after the title change together, in the legend's colours.
    const done = setStatus(doc, '4.2', 'done');
    assert.ok(done.ok);
    assert.match(applyEdits(doc.text, done.edits), /^2\. \*\*Checkout flow\*\* 🟢\n {3}- \*\*Status\*\*: Done$/m);
    const live = setStatus(doc, 'analytics', 'done');
    assert.ok(live.ok);
    assert.match(applyEdits(doc.text, live.edits), /^\| Analytics \| 🟢 +\| +\|$/m);
    // Without a legend a colour says nothing.
    const bare = parsePlan('bare.md', '| Service | Status |\n|---|---|\n| Payments | 🟢 |\n');
    assert.equal(bare.tasks[0].status, 'unknown');
  });

  it('a task written twice (an overview box, a table row and its detail heading) is one task, and a status change updates both', () => {
    const doc = read('docs/plans/sprint-7.md');
    assert.deepEqual(statuses(doc), ['1 done', '2 in-progress', '7.1 done', '7.2 in-progress']);
    assert.deepEqual(doc.mirrors.map((m) => `${m.of} ${m.task.dialect}`), ['1 checklist', '2 checklist', '7.1 table', '7.2 table']);
    assert.deepEqual(problems(doc), []);
    const row = setStatus(doc, '7.2', 'done', { date: '2026-04-01' });
    assert.ok(row.ok);
    const rowDone = applyEdits(doc.text, row.edits);
    assert.match(rowDone, /^\| 7\.2 \| Password reset mail \| ✅ done {9}\|$/m);
    assert.match(rowDone, /### Task 7\.2: Password reset mail\n\n\*\*Status\*\*: completed/);
    const box = setStatus(doc, '2', 'done', { date: '2026-04-01' });
    assert.ok(box.ok);
    assert.match(applyEdits(doc.text, box.edits), /^- \[x\] Task 2: Audit log export$/m);
    // A restatement that disagrees is reported where it stands.
    const stale = parsePlan(doc.file, doc.text.replace('- [x] Task 1: Rate limiter', '- [ ] Task 1: Rate limiter'));
    assert.deepEqual(stale.problems.map((p) => `${p.code} ${p.line + 1}`), ['todo-mismatch 5']);
  });

  it('each format is one module of the registry, and every dialect has one', () => {
    assert.deepEqual(planFormats.map((f) => f.dialect).sort(), [...dialects].sort());
  });

  it('reads the status words and symbols planning tools use', () => {
    const cases: [string, Status | 'unknown'][] = [
      ['Backlog', 'todo'], ['open', 'todo'], ['In Review', 'in-progress'], ['review', 'in-progress'], ['Verified', 'done'], ['approved', 'done'],
      ['Resolved', 'done'], ['deferred', 'paused'], ['Descoped', 'cancelled'], ['eliminated', 'cancelled'], ["won't do", 'cancelled'],
      ['⏳ Pending', 'todo'], ['⏳', 'todo'], ['⏸️', 'paused'], ['📝', 'todo'], ['✓', 'done'], ['✗', 'todo'],
    ];
    for (const [raw, status] of cases) assert.equal(parseStatus(raw), status, raw);
  });

  describe('edits in each format give back the same bytes', () => {
    for (const file of allFiles(root)) {
      it(file, () => {
        const doc = read(file);
        const text = doc.text;
        // Ticking an in-progress or odd box ([-], [?]) and unticking it gives [ ], by design: only open and done boxes come back.
        for (const box of doc.checkboxes.filter((b) => ' xX'.includes(b.mark))) {
          const once = toggleCheckbox(doc, box.line);
          assert.ok(once.ok);
          const ticked = applyEdits(text, once.edits);
          const again = toggleCheckbox(parsePlan(doc.file, ticked), box.line);
          assert.ok(again.ok);
          assert.equal(applyEdits(ticked, again.edits), text, `toggling line ${box.line + 1} twice`);
        }
        for (const task of doc.tasks.filter((t, i) => doc.tasks.findIndex((u) => u.id === t.id) === i)) {
          for (const status of ['todo', 'in-progress', 'done'] as Status[]) {
            const there = setStatus(doc, task.id, status, { date: '2026-04-01' });
            assert.ok(there.ok, `${task.id} → ${status}: ${there.ok ? '' : there.error}`);
            const changed = applyEdits(text, there.edits);
            assert.equal(parsePlan(doc.file, changed).tasks.find((t) => t.id === task.id)?.status, status, `${task.id} reads back as ${status}`);
            const back = setStatus(parsePlan(doc.file, changed), task.id, task.status === 'unknown' ? 'todo' : task.status, { date: '2026-04-01' });
            if (task.status === 'unknown') continue;
            assert.ok(back.ok);
            const restored = applyEdits(changed, back.edits);
            // A status said in words of the file's own (`🟡 Wiring`) cannot be written again; it reads back the same.
            // A table cell keeps the width a longer status gave it (the column stays aligned): the words come back, not the padding.
            if (canonical.has(task.rawStatus) && (task.dialect === 'table' || (task.dialect === 'roadmap' && !task.box))) assert.equal(parsePlan(doc.file, restored).tasks.find((t) => t.id === task.id)?.rawStatus, task.rawStatus);
            else if (canonical.has(task.rawStatus)) assert.equal(restored, text, `${task.id} → ${status} and back`);
            else assert.equal(parsePlan(doc.file, restored).tasks.find((t) => t.id === task.id)?.status, task.status, `${task.id} → ${status} and back`);
          }
        }
      });
    }
  });
});
