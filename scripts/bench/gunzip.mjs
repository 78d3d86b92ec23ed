// Issue 14's gzip measurement (docs/decisions/0010-one-pipeline-in-core.md): a big gzipped
// hotshot log (make_hotshot.py, then gzip -6; default about 1.2 GB unpacked, 160 MB
// packed) unpacked three ways — core's `gunzip` (the platform's DecompressionStream), Node's
// own zlib stream (what the CLI used before), and fflate 0.8.3 fed 64 KiB at a time as its
// output is consumed — once only unpacked, once unpacked into the hotshot reader with
// callgrind's needs. Whole processes, alternating, median of BENCH_RUNS (default 5): wall
// time and peak RSS, which streaming must keep bounded.
//
// HOTSHOT_GZ=FILE uses an existing log; otherwise one is generated into bench-out/.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { compare, ensureBuilt, measure, outDir, python, root, table } from './lib.mjs';

const self = fileURLToPath(import.meta.url);
const MODES = ['core', 'zlib', 'fflate'];

/** The unpacked chunks of `file`, by `mode`. */
async function* unpacked(mode, file) {
  const source = createReadStream(file, { highWaterMark: 1 << 20 });
  if (mode === 'core') {
    const { gunzip } = await import('../../packages/core/dist/index.js');
    yield* gunzip(source);
  } else if (mode === 'zlib') {
    const gunzip = createGunzip();
    (async () => {
      for await (const chunk of source) if (!gunzip.write(chunk)) await once(gunzip, 'drain');
      gunzip.end();
    })();
    yield* gunzip;
  } else {
    const { Gunzip } = await import('fflate');
    const out = [];
    const inflater = new Gunzip((chunk) => out.push(chunk));
    for await (const chunk of source) {
      // Small pushes: one push inflates all it is given at once.
      for (let at = 0; at < chunk.length; at += 1 << 16) {
        inflater.push(chunk.subarray(at, Math.min(chunk.length, at + (1 << 16))));
        while (out.length > 0) yield out.shift();
      }
    }
    inflater.push(new Uint8Array(0), true);
    while (out.length > 0) yield out.shift();
  }
}

if (process.argv[2] === '--run') {
  const [, , , mode, what, file] = process.argv;
  let bytes = 0;
  if (what === 'unpack') {
    for await (const chunk of unpacked(mode, file)) bytes += chunk.length;
    process.stdout.write(`${bytes}\n`);
  } else {
    const { readStreamWith } = await import('../../packages/core/dist/index.js');
    const { hotshot } = await import('../../packages/input-hotshot/dist/index.js');
    const set = await readStreamWith(hotshot, unpacked(mode, file), { needs: { lines: true } });
    process.stdout.write(`${set.whole.functions.length} functions\n`);
  }
  process.exit(0);
}

function log() {
  if (process.env.HOTSHOT_GZ) return process.env.HOTSHOT_GZ;
  const raw = join(outDir, 'hotshot-default-1200mb.hotshot');
  const packed = `${raw}.gz`;
  if (!existsSync(packed)) {
    console.error(`generating ${packed} …`);
    if (!existsSync(raw))
      measure(python('2.7.18'), [join(root, 'scripts', 'bench', 'make_hotshot.py'), raw, '1200']);
    const result = spawnSync('gzip', ['-k', '-6', raw]);
    if (result.status !== 0) throw new Error('gzip failed');
  }
  return packed;
}

ensureBuilt();
const file = log();
const runs = Number(process.env.BENCH_RUNS ?? 5);
const rows = [];
for (const what of ['unpack', 'read']) {
  const results = compare(
    Object.fromEntries(
      MODES.map((mode) => [
        mode,
        () => measure(process.execPath, [self, '--run', mode, what, file]),
      ]),
    ),
    runs,
  );
  for (const mode of MODES) {
    const r = results[mode];
    rows.push([
      what === 'unpack' ? 'unpack only' : 'unpack + hotshot reader',
      mode === 'core'
        ? 'core gunzip (DecompressionStream)'
        : mode === 'zlib'
          ? 'node:zlib createGunzip'
          : 'fflate 0.8.3 Gunzip, 64 KiB pushes',
      `${r.seconds.toFixed(2)} s`,
      `${r.peakMb.toFixed(0)} MB`,
    ]);
  }
}
const mb = statSync(file).size / 1024 / 1024;
console.log(`\n### gunzip: ${file} (${mb.toFixed(0)} MB packed), median of ${runs}\n`);
console.log(table(['work', 'unpacker', 'wall time', 'peak RSS'], rows));
