import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { confirmationOf, lmToolContributions, mcpProviderId } from '../../client/contributions';

/**
 * package.json's static contributions for Copilot's agent, held to the code that serves them:
 * the language model tools are the served tools (names, descriptions, schemas from the zod
 * schemas), and the MCP provider id is the one the extension registers.
 */
const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { languageModelTools: unknown; mcpServerDefinitionProviders: { id: string }[] };
};

describe('package.json contributions for language model tools and MCP', () => {
  it('languageModelTools is exactly what the served tools give (npx tsx scripts/syncManifest.ts writes it)', () => {
    assert.deepEqual(manifest.contributes.languageModelTools, lmToolContributions());
  });

  it('every tool has a name VS Code accepts, unique, and a schema that is an object', () => {
    const tools = lmToolContributions();
    assert.equal(new Set(tools.map((t) => t.name)).size, tools.length);
    for (const tool of tools) {
      assert.match(tool.name, /^plumbline_[a-z_]+$/);
      assert.equal(tool.inputSchema.type, 'object');
    }
    assert.deepEqual(tools.map((t) => t.name), ['plumbline_list_plans', 'plumbline_get_task', 'plumbline_next_task', 'plumbline_set_task_status', 'plumbline_toggle_deliverable', 'plumbline_check_edit']);
  });

  it('contributes the MCP server definition provider the extension registers', () => {
    assert.deepEqual(manifest.contributes.mcpServerDefinitionProviders.map((p) => p.id), [mcpProviderId]);
  });

  it('asks before the tools that change a plan, and only those', () => {
    assert.equal(confirmationOf('toggle_deliverable', { file: 'plans/a.md', line: 4 })?.message, 'Tick or untick the checkbox on line 4 of `plans/a.md`.');
    for (const name of ['list_plans', 'get_task', 'next_task', 'check_edit']) assert.equal(confirmationOf(name, {}), undefined, name);
  });
});
