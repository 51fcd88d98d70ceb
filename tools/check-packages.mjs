#!/usr/bin/env node
// Checks every publishable package the way users will consume it: its package.json has what a
// published package needs, it packs, and the tarballs install into an empty project where each
// package (and each subpath export) imports on its own.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const problems = [];

function findPackages(directory) {
  const found = [];
  for (const entry of readdirSync(directory)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const path = join(directory, entry);
    if (!statSync(path).isDirectory()) continue;
    if (existsSync(join(path, 'package.json'))) found.push(path);
    else found.push(...findPackages(path));
  }
  return found;
}

const packages = [...findPackages(join(root, 'packages')), ...findPackages(join(root, 'apps'))]
  .map((directory) => ({ directory, manifest: JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private);

for (const { directory, manifest } of packages) {
  const where = `${manifest.name} (${relative(root, directory)})`;
  const require = (condition, message) => condition || problems.push(`${where}: ${message}`);
  require(manifest.type === 'module', '"type" must be "module"');
  require(manifest.exports?.['.']?.import && manifest.exports?.['.']?.types, 'exports["."] needs "types" and "import"');
  require(Array.isArray(manifest.files) && manifest.files.includes('dist'), '"files" must include dist');
  require(manifest.publishConfig?.access === 'public', 'publishConfig.access must be "public"');
  require(manifest.license, 'needs a license');
  require(manifest.description, 'needs a description');
  require(existsSync(join(directory, 'README.md')), 'needs a README.md');
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    const files = typeof target === 'string' ? [target] : Object.values(target);
    for (const file of files) require(existsSync(join(directory, file)), `exports["${subpath}"] points at missing ${file} (build first)`);
  }
}
if (problems.length > 0) fail();

const work = mkdtempSync(join(tmpdir(), 'stack-pack-check-'));
try {
  const tarballs = {};
  // npm pack mostly waits on its own start-up, so several run at once.
  const packOne = promisify(execFile);
  const packed = new Array(packages.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < packages.length) {
        const index = next++;
        const { stdout } = await packOne('npm', ['pack', '--json', '--pack-destination', work], { cwd: packages[index].directory, encoding: 'utf8' });
        packed[index] = JSON.parse(stdout)[0];
      }
    }),
  );
  for (const [index, { manifest }] of packages.entries()) {
    const packedFile = packed[index];
    tarballs[manifest.name] = `file:${join(work, packedFile.filename)}`;
    const paths = packedFile.files.map((file) => file.path);
    if (paths.some((path) => path.startsWith('src/') || path.endsWith('.test.js'))) problems.push(`${manifest.name}: the tarball carries sources or tests`);
  }
  const project = join(work, 'project');
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(
    join(project, 'package.json'),
    // Optional peers (vitest for the `/testing` conformance suites) are what a user of those
    // entries installs alongside.
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { ...optionalPeers(), ...tarballs }, overrides: tarballs }, null, 2),
  );
  console.log(`Installing ${packages.length} packed packages into an empty project…`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: project, stdio: 'inherit' });

  for (const { manifest } of packages) {
    for (const subpath of Object.keys(manifest.exports ?? {})) {
      if (subpath === './package.json') continue;
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      try {
        execFileSync(
          process.execPath,
          ['--input-type=module', '-e', `const m = await import(${JSON.stringify(specifier)}); if (Object.keys(m).length === 0) throw new Error('no exports');`],
          { cwd: project, stdio: ['ignore', 'ignore', 'pipe'] },
        );
        console.log(`  ok  ${specifier}`);
      } catch (error) {
        problems.push(`${specifier} does not import from its tarball: ${error.stderr?.toString().trim().split('\n').slice(-3).join(' ')}`);
      }
    }
  }
  // The installed pieces work together: a stack composed from the tarballs answers in process.
  const smoke = `
    import { createStack } from '@stack/stack';
    const stack = await createStack({ apis: ['inference'] });
    const health = await stack.inspect.health();
    if (health.status !== 'OK') throw new Error('unhealthy');
    await stack.close();`;
  try {
    execFileSync(process.execPath, ['--input-type=module', '-e', smoke], { cwd: project, stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync(join(project, 'node_modules/.bin/stack'), ['--version'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    console.log('  ok  createStack() and the stack CLI from the tarballs');
  } catch (error) {
    problems.push(`the installed packages do not work together: ${error.stderr?.toString().trim().split('\n').slice(-3).join(' ')}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (problems.length > 0) fail();
console.log(`All ${packages.length} packages pack, install and import on their own.`);

function optionalPeers() {
  return Object.fromEntries(
    packages.flatMap(({ manifest }) =>
      Object.entries(manifest.peerDependencies ?? {}).filter(([name]) => manifest.peerDependenciesMeta?.[name]?.optional),
    ),
  );
}

function fail() {
  console.error(`Package check failed:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  process.exit(1);
}
