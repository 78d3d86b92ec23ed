// Regenerates the format table in README.md from the CLI's registry (`pnpm readme`).
// A test in apps/cli fails when the README's copy drifts from the code.
import { readFileSync, writeFileSync } from 'node:fs';
import { builtinFormats } from '../apps/cli/dist/formats.js';
import { formatsMarkdown, withFormatsTable } from '../apps/cli/dist/formats-table.js';
import { createRegistry } from '../packages/core/dist/index.js';

const path = new URL('../README.md', import.meta.url);
writeFileSync(
  path,
  withFormatsTable(readFileSync(path, 'utf8'), formatsMarkdown(createRegistry(builtinFormats))),
);
