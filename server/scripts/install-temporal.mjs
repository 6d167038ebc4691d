#!/usr/bin/env node
// Makes a `temporal` CLI (which contains the dev server Weft runs) available without any
// run-time download: TEMPORAL_CLI, then .tools/bin/temporal, then PATH; otherwise, when Go is
// present, `go install` of the pinned release into .tools/bin (git ignores it).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executable, findGo, onPath } from './find-program.mjs';

// v1.5.1 is the newest release whose go.mod has no `replace` directive; `go install pkg@version`
// refuses modules that have one.
const PACKAGE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const binDir = join(root, '.tools', 'bin');
const projectCli = join(binDir, 'temporal');

const version = (p) => execFileSync(p, ['--version'], { encoding: 'utf8' }).trim();

const candidates = [
  ['TEMPORAL_CLI', process.env.TEMPORAL_CLI],
  ['.tools/bin', projectCli],
  ['PATH', onPath('temporal')],
];
for (const [where, path] of candidates) {
  if (path && executable(path)) {
    console.log(`temporal CLI (${where}): ${path} — ${version(path)}`);
    process.exit(0);
  }
}

const go = findGo();
if (!go) {
  const hint = [
    'No temporal CLI found and no Go toolchain to build one.',
    'Do one of these, then run `npm run setup` again:',
    '  - install Go (https://go.dev/dl/) so setup can build the CLI,',
    '  - install the Temporal CLI (https://docs.temporal.io/cli) and put `temporal` on PATH,',
    '  - or set TEMPORAL_CLI to the path of a temporal binary.',
    'To use a Temporal server you already run, set TEMPORAL_ADDRESS instead.',
  ].join('\n');
  if (process.env.TEMPORAL_ADDRESS) {
    console.warn(`${hint}\nTEMPORAL_ADDRESS is set, so Weft will use that server.`);
    process.exit(0);
  }
  console.error(hint);
  process.exit(1);
}

mkdirSync(binDir, { recursive: true });
console.log(`building the temporal CLI with ${go}: go install ${PACKAGE}`);
console.log('(the first build compiles the Temporal server and takes several minutes; later runs reuse the Go cache)');
const started = Date.now();
const result = spawnSync(go, ['install', PACKAGE], { stdio: 'inherit', env: { ...process.env, GOBIN: binDir } });
if (result.status !== 0 || !executable(projectCli)) {
  console.error(`go install failed (exit ${result.status}); see the output above`);
  process.exit(1);
}
console.log(`temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s: ${projectCli} — ${version(projectCli)}`);
