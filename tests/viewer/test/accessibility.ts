// Runs accessibility-check.js in a page (as a script evaluated through the DevTools
// protocol, which the page's Content-Security-Policy does not block) and returns its
// problems: one line each, none when the page passes.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

const checker = readFileSync(new URL('./accessibility-check.js', import.meta.url), 'utf8');

/** The problems the checker finds on the page as it is now. */
export function accessibilityProblems(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {\n${checker}\nreturn check();\n})()`);
}
