// A canonical text dump of a pprof file (what `go tool pprof -raw` shows, plus every
// string field), for the golden files: a change in the bytes shows as a readable diff.
import { readPprof } from '@pyprof/testkit';

export function dumpPprof(bytes: Uint8Array): string {
  const r = readPprof(bytes, undefined, { allowEmpty: true });
  const out: string[] = [];
  out.push(
    `sample types: ${r.sampleTypes.map(([t, u]) => `${t}/${u}`).join(', ')} (default ${r.sampleTypes[r.sampleIndex]?.[0]})`,
  );
  for (const comment of r.comments) out.push(`comment: ${comment}`);
  if (r.periodType) out.push(`period: ${r.period} ${r.periodType[0]}/${r.periodType[1]}`);
  if (r.durationNanos) out.push(`duration: ${r.durationNanos} ns`);
  if (r.timeNanos) out.push(`time: ${r.timeNanos} ns`);
  out.push('functions:');
  for (const f of r.functions)
    out.push(
      `  ${f.id}: ${JSON.stringify(f.name)} ${JSON.stringify(f.file)} start ${f.startLine}${f.systemName ? ` system ${JSON.stringify(f.systemName)}` : ''}`,
    );
  out.push('locations:');
  for (const l of r.profile.location)
    out.push(
      `  ${l.id}: address ${l.address} ${l.line.map((x) => `function ${x.functionId} line ${x.line}`).join('; ')}`,
    );
  out.push('samples:');
  for (const s of r.samples) {
    const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    out.push(
      `  ${s.values.join(' ')}: ${s.locations.join(' ')}${labels.length ? ` [${labels.join(', ')}]` : ''}`,
    );
  }
  return `${out.join('\n')}\n`;
}
