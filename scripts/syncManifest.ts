import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lmToolContributions } from '../client/contributions';

/**
 * Writes the `languageModelTools` contribution of package.json from the served tools
 * (client/contributions.ts). Run after changing a served tool: `npx tsx scripts/syncManifest.ts`;
 * test/unit/contributions.test.ts fails until then.
 */
const file = path.resolve(__dirname, '../package.json');
const text = readFileSync(file, 'utf8');
const manifest = JSON.parse(text) as { contributes: Record<string, unknown> };
manifest.contributes.languageModelTools = lmToolContributions();
writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
