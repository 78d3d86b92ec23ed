/**
 * An output plugin for a format pyprof does not ship: one CSV row per function (RFC 4180,
 * for spreadsheets, pandas and `sort`/`awk` pipelines) — its unique name, file, first line,
 * calls, primitive calls, own and cumulative seconds. It is the worked example of
 * docs/adding-a-plugin.md: a third-party plugin built only on the published `@pyprof/core`
 * API, tested with `@pyprof/testkit`, and loaded with
 * `pyprof convert --plugin ./examples/csv-table/index.js --to csv`.
 *
 * Names come from core's naming service with the name alone as the identity (a spreadsheet
 * column is keyed by its text), so two functions never share a row name. Rows are sorted
 * by own time, heaviest first (`--sort cumulative` for cumulative time); `--min-own` leaves
 * out functions below a share of the total, with a warning saying how many.
 */
import { defineOutputPlugin, functionFile, uniqueFunctionNames } from '@pyprof/core';

/** One CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
function field(value) {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csv = defineOutputPlugin({
  name: 'csv',
  title: 'CSV table, one row per function (example plugin)',
  extension: '.csv',
  options: {
    sort: {
      type: 'choice',
      choices: ['own', 'cumulative'],
      default: 'own',
      description: 'the column rows are sorted by, heaviest first',
    },
    'min-own': {
      type: 'number',
      default: 0,
      description: 'leave out functions whose own time is below this share of the total (0–1)',
    },
  },
  *write(set, options, context) {
    const profile = set.whole;
    const f = profile.functions;
    const names = uniqueFunctionNames(profile, { keySuffix: () => '' });
    let total = 0;
    for (let fn = 0; fn < f.length; fn++) total += f.selfTime[fn];
    const column = options.sort === 'cumulative' ? f.inclusiveTime : f.selfTime;
    const rows = [];
    let left = 0;
    for (let fn = 0; fn < f.length; fn++) {
      if (f.selfTime[fn] < options['min-own'] * total) left++;
      else rows.push(fn);
    }
    rows.sort((a, b) => column[b] - column[a] || names[a].localeCompare(names[b]));
    if (left > 0) {
      context.warn({
        code: 'rows-left-out',
        message: `${left} functions below --min-own ${options['min-own']} were left out`,
      });
    }
    yield 'function,file,line,calls,primitive_calls,own_seconds,cumulative_seconds\n';
    let lines = [];
    for (const fn of rows) {
      lines.push(
        `${[
          names[fn],
          functionFile(profile, fn),
          f.line[fn],
          f.callCount[fn],
          f.primitiveCallCount[fn],
          f.selfTime[fn],
          f.inclusiveTime[fn],
        ]
          .map(field)
          .join(',')}\n`,
      );
      if (lines.length >= 1024) {
        yield lines.join('');
        lines = [];
      }
    }
    if (lines.length > 0) yield lines.join('');
  },
});

export default csv;
