// The shared conformance suite (@pyprof/testkit) on every fixture: the austin files
// (certain) and the hand-written dialect samples (certain where the dialect has its own
// prefix or header, likely for frames that merely look right).
import { describeInputPlugin } from '@pyprof/testkit';
import { collapsed } from '../src/index.js';
import { AUSTIN, DIALECTS, readFixture } from './fixtures.js';

const LIKELY = new Set([
  'py-spy.txt',
  'py-spy-nolineno.txt',
  'flameprof.log',
  'flamegraph.folded',
  'difffolded.folded',
]);

describeInputPlugin(collapsed, {
  fixtures: [
    ...AUSTIN.map((file) => ({ name: file, bytes: readFixture(`austin/${file}`) })),
    ...DIALECTS.map((file) => ({
      name: file,
      bytes: readFixture(`dialects/${file}`),
      ...(LIKELY.has(file) ? { detect: 'likely' as const } : {}),
    })),
  ],
  foreign: [
    { name: 'a Python source file', bytes: readFixture('dialects/app.py') },
    {
      name: 'austin statistics (stderr)',
      bytes: readFixture('austin/decorators.py38.austin.stderr'),
    },
    { name: 'a README', bytes: readFixture('austin/README.md') },
  ],
  fuzzRuns: 300,
});
