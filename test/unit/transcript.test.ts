import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgentEngine } from '../../engine/agent/engine';
import { execCommand } from '../../engine/agent/exec';
import { filePlanAccess } from '../../engine/agent/plans';
import { createProvider } from '../../engine/agent/providers';
import { recordRun } from '../../engine/agent/recorder';
import { agentTools } from '../../engine/agent/tools';
import { storedTranscript, Transcript } from '../../engine/agent/transcript';
import { Workspace } from '../../engine/agent/workspace';
import type { ChatItem } from '../../engine/protocol/chatView';
import { Store } from '../../engine/store';
import { reply, startProviderServer, type ProviderServer } from '../fixtures/providerServer';

const call = (name: string, args: object) => ({ name, fragments: [JSON.stringify(args)] });

/** The chat's transcript of a real run against the scripted model server, live and replayed from the store. */
describe('chat transcripts', () => {
  let server: ProviderServer;
  let dir: string;
  let store: Store;
  before(async () => {
    server = await startProviderServer();
    dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-transcript-'));
    mkdirSync(path.join(dir, 'ws/src'), { recursive: true });
    writeFileSync(path.join(dir, 'ws/src/a.ts'), 'export const name = "old";\n');
    store = await Store.open(path.join(dir, 'state.db'));
  });
  after(async () => {
    await store.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows text, tool cards with results and edits, a denied approval, an answered question and the result; the store gives back the same', async () => {
    server.script(
      reply.toolCalls([call('read_file', { path: 'src/a.ts' })], { text: ['Let me ', 'look.'] }),
      reply.toolCalls([call('run_command', { command: 'npm test' })]),
      reply.toolCalls([call('ask_user', { question: 'Which name?' })]),
      reply.toolCalls([call('edit_file', { path: 'src/a.ts', oldText: '"old"', newText: '"count"' })]),
      reply.toolCalls([call('finish', { success: true, summary: 'Renamed to count.' })]),
    );
    const root = path.join(dir, 'ws');
    const id = 'run-1';
    const transcript = new Transcript(id, 'Rename it');
    const deltas: string[] = [];
    const record = recordRun(store, { id, agentId: 'a', agentName: 'a', prompt: 'Rename it', provider: 'openai', model: 'm' });
    const provider = createProvider({ kind: 'openai', baseUrl: server.openaiBaseUrl, model: 'm', apiKey: 'k', timeoutMs: 3000 });
    const { result } = new AgentEngine().start(
      'a',
      { id, prompt: 'Rename it', provider, model: 'm', tools: agentTools },
      {
        workspace: new Workspace(root),
        plans: filePlanAccess(root),
        guard: async () => [],
        approve: async () => false,
        ask: async () => 'count',
        exec: (command, cwd, timeoutMs, signal) => execCommand(command, cwd, timeoutMs, signal),
        emit: (event) => {
          record(event);
          const change = transcript.apply(event);
          if (change.delta) deltas.push(change.delta.text);
        },
        autoApproveEdits: true,
        allowedCommands: [],
      },
    );
    assert.equal((await result).state, 'done');
    const items = transcript.items();
    const brief = (i: ChatItem) => {
      if (i.kind === 'tool') return `tool ${i.name} ${i.status}${i.edit ? ` edit ${i.edit.file}` : ''}`;
      if (i.kind === 'approval') return `approval ${i.subject} ${i.status}`;
      if (i.kind === 'question') return `question ${i.question} → ${i.answer}`;
      if (i.kind === 'assistant') return `assistant ${i.text}${i.streaming ? ' …' : ''}`;
      if (i.kind === 'result') return `result ${i.state} ${i.summary} ${i.steps} steps`;
      return `${i.kind} ${'text' in i ? i.text : ''}`;
    };
    assert.deepEqual(items.map(brief), [
      'user Rename it',
      'assistant Let me look.',
      'tool read_file ok',
      'tool run_command error',
      'approval npm test denied',
      'tool ask_user ok',
      'question Which name? → count',
      'tool edit_file ok edit src/a.ts',
      'tool finish ok',
      'result done Renamed to count. 5 steps',
    ]);
    assert.deepEqual(deltas, ['look.'], 'after the first chunk, text streams as deltas');
    const read = items.find((i) => i.kind === 'tool' && i.name === 'read_file');
    assert.equal(read?.kind === 'tool' && read.result, 'export const name = "old";\n');

    const replayed = storedTranscript(store.getRun(id)!, store.eventsOf(id));
    assert.deepEqual(replayed, items, 'the conversation looks the same after a restart');
  });

  it('a run that ended while it waited offers no buttons any more', () => {
    const transcript = new Transcript('r', 'go');
    const at = new Date().toISOString();
    transcript.apply({ type: 'approval-request', at, runId: 'r', kind: 'command', command: 'rm -rf build', reason: 'not allow-listed' });
    transcript.apply({ type: 'question', at, runId: 'r', question: 'Sure?' });
    const run = { id: 'r', prompt: 'go', state: 'running' } as Parameters<typeof storedTranscript>[0];
    const stored = storedTranscript(run, [
      { id: 1, runId: 'r', seq: 1, type: 'approval-request', at: 1, data: { kind: 'command', command: 'rm -rf build', reason: 'not allow-listed' } },
      { id: 2, runId: 'r', seq: 2, type: 'question', at: 2, data: { question: 'Sure?' } },
    ]);
    assert.deepEqual(
      stored.map((i) => (i.kind === 'approval' ? i.status : i.kind === 'question' ? i.answer : i.kind)),
      ['user', 'denied', '(not answered)'],
    );
    assert.equal(transcript.waitingApproval?.status, 'pending', 'a live run still waits');
  });
});
