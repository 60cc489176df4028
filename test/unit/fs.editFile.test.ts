import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { editFile } from '../../engine/fs';

/** editFile with work done while the new bytes are staged (the agent's guard runs there). */
describe('editFile with work while the write is staged', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-edit-'));
    file = path.join(dir, 'code.ts');
    writeFileSync(file, 'old\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('puts the new bytes in place only once the work is done, and leaves no temp file', async () => {
    let seen = '';
    const written = await editFile(file, () => 'new\n', {
      whileStaged: async (current) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        seen = readFileSync(file, 'utf8');
        assert.equal(current?.toString(), 'old\n');
      },
    });
    assert.equal(written, true);
    assert.equal(seen, 'old\n', 'the file was not replaced while the work ran');
    assert.equal(readFileSync(file, 'utf8'), 'new\n');
    assert.deepEqual(readdirSync(dir), ['code.ts']);
  });

  it('leaves the file as it was, and no temp file, when the work throws', async () => {
    await assert.rejects(
      editFile(file, () => 'new\n', {
        whileStaged: async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          throw new Error('stopped');
        },
      }),
      /stopped/,
    );
    assert.equal(readFileSync(file, 'utf8'), 'old\n');
    assert.deepEqual(readdirSync(dir), ['code.ts']);
  });

  it('twenty edits at once, each adding a line while its work runs, lose none', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        editFile(file, (current) => `${current?.toString() ?? ''}line ${i}\n`, {
          whileStaged: () => new Promise((resolve) => setTimeout(resolve, Math.random() * 5)),
        }),
      ),
    );
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 21);
    assert.deepEqual(lines.slice(1).sort(), Array.from({ length: 20 }, (_, i) => `line ${i}`).sort());
    assert.deepEqual(readdirSync(dir), ['code.ts']);
  });
});
