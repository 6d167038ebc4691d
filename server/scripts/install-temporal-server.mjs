#!/usr/bin/env node
// Makes the production Temporal server available for `npm run test:cluster`: `temporal-server`
// and `temporal-sql-tool` (which creates its schema on PostgreSQL). Found as TEMPORAL_SERVER and
// TEMPORAL_SQL_TOOL, then in .tools/bin, then on PATH; otherwise, when Go is present, built with
// `go install` of the pinned release into .tools/bin (git ignores it). Prints the two paths.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executable, findGo, onPath } from './find-program.mjs';

// v1.32.0 builds with Go 1.26.8 (v1.31.5 and v1.32.1 onward ask for Go 1.26.10 or newer), and its
// go.mod has no `replace` directive, which `go install pkg@version` would refuse.
export const TEMPORAL_SERVER_VERSION = 'v1.32.0';
const PACKAGES = [
  { name: 'temporal-server', built: 'server', env: 'TEMPORAL_SERVER', pkg: `go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}` },
  { name: 'temporal-sql-tool', built: 'sql', env: 'TEMPORAL_SQL_TOOL', pkg: `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}` },
];
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const binDir = join(root, '.tools', 'bin');

const find = (p) => [process.env[p.env], join(binDir, p.name), onPath(p.name)].find((c) => c && executable(c));

const missing = PACKAGES.filter((p) => !find(p));
if (missing.length) {
  const go = findGo();
  if (!go) {
    console.error(
      [
        `No ${missing.map((p) => p.name).join(' or ')} found and no Go toolchain to build them.`,
        `Install Go (https://go.dev/dl/), or put Temporal's ${TEMPORAL_SERVER_VERSION} binaries on PATH, or set ${missing.map((p) => p.env).join(' and ')}.`,
      ].join('\n'),
    );
    process.exit(1);
  }
  mkdirSync(binDir, { recursive: true });
  // `go install` names the binaries after their folders (server, sql): build aside, then rename.
  const gobin = mkdtempSync(join(root, '.tools', 'go-install-'));
  console.log(`building ${missing.map((p) => p.name).join(' and ')} ${TEMPORAL_SERVER_VERSION} with ${go} (about 7 minutes on 2 cores the first time; the Go cache serves later builds)`);
  const started = Date.now();
  const result = spawnSync(go, ['install', ...missing.map((p) => p.pkg)], { stdio: 'inherit', env: { ...process.env, GOBIN: gobin } });
  if (result.status !== 0) {
    console.error(`go install failed (exit ${result.status}); see the output above`);
    process.exit(1);
  }
  for (const p of missing) renameSync(join(gobin, p.built), join(binDir, p.name));
  rmSync(gobin, { recursive: true, force: true });
  console.log(`built in ${Math.round((Date.now() - started) / 1000)} s`);
}
for (const p of PACKAGES) console.log(`${p.name}: ${find(p)}`);
