// Runs `npm ci` when node_modules is missing or was installed from another package-lock.json / package.json.
// Called by Maven (exec-maven-plugin, generate-resources) so that a clean clone installs the exact locked
// versions, while a developer's repeated builds skip the install. The stamp lives inside node_modules,
// so deleting node_modules (or `npm ci` by hand) is always safe.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'node_modules', '.carac-install-stamp');
const hash = createHash('sha256');
for (const f of ['package.json', 'package-lock.json']) hash.update(readFileSync(join(root, f)));
const wanted = hash.digest('hex');

if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === wanted) {
  console.log('frontend: node_modules matches package-lock.json, npm ci skipped');
  process.exit(0);
}
console.log('frontend: npm ci');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (run.status !== 0) {
  console.error(`frontend: npm ci failed (exit ${run.status ?? run.signal})`);
  process.exit(run.status || 1);
}
writeFileSync(stamp, wanted + '\n');
