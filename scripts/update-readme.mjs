// Regenerates the tables the READMEs take from code (`pnpm readme`): the format table of
// the root README from the CLI's registry, and each bundled plugin's options table from
// its option specs. A test in apps/cli fails when a README drifts from the code.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinFormats } from '../apps/cli/dist/formats.js';
import {
  formatsMarkdown,
  OPTIONS_START,
  packageFolder,
  withFormatsTable,
  withOptionsTable,
} from '../apps/cli/dist/formats-table.js';
import { createRegistry } from '../packages/core/dist/index.js';

const root = new URL('../', import.meta.url);
const readme = new URL('README.md', root);
writeFileSync(
  readme,
  withFormatsTable(readFileSync(readme, 'utf8'), formatsMarkdown(createRegistry(builtinFormats))),
);
for (const plugin of builtinFormats) {
  const path = new URL(`${packageFolder(plugin)}/README.md`, root);
  if (!existsSync(path)) continue;
  const text = readFileSync(path, 'utf8');
  if (text.includes(OPTIONS_START)) writeFileSync(path, withOptionsTable(text, plugin));
}
