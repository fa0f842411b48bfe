/* global process, console */
// Checks that everything docnotify imports at run time is a production dependency, i.e. that the image's
// `npm ci --omit=dev` gives the worker and web server all they load:
//
//   node scripts/compose/check-runtime-deps.mjs [--resolve] DIR...
//
// DIR holds compiled .js (dist/; the Dockerfile runs this over it) or TypeScript sources (src/; compiled in memory
// with the typescript package, which drops type-only imports as the build does). Every bare import — require(),
// import ... from, import() — must name a package of "dependencies" in package.json, or a Node built-in; one in
// "devDependencies" or in neither is reported with the file. The prebuilt workflow bundles (*.bundle.js) are
// self-contained and skipped. With --resolve each package must also resolve from this folder's node_modules.
// Exit 0 when clean, 1 with the list otherwise.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';

const args = process.argv.slice(2);
const resolve = args.includes('--resolve');
const dirs = args.filter((a) => a !== '--resolve');
if (dirs.length === 0) {
  console.error('usage: check-runtime-deps.mjs [--resolve] DIR...');
  process.exit(2);
}
const root = process.cwd();
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const deps = new Set(Object.keys(pkg.dependencies ?? {}));
const devDeps = new Set(Object.keys(pkg.devDependencies ?? {}));
const builtins = new Set(builtinModules);
if (pkg.name) deps.add(pkg.name); // a self-reference (the package's own exports)
const requireHere = createRequire(path.join(root, 'package.json'));
let ts;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) yield* files(file);
    else if (/\.(js|cjs|mjs)$/.test(name) && !name.endsWith('.bundle.js')) yield file;
    else if (/\.(ts|mts|cts)$/.test(name) && !/\.d\.[mc]?ts$/.test(name) && !/\.test\.ts$/.test(name)) yield file;
  }
}

function javascript(file) {
  const text = readFileSync(file, 'utf8');
  if (!/\.[mc]?ts$/.test(file)) return text;
  ts ??= requireHere('typescript');
  return ts.transpileModule(text, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

const packageOf = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
const problems = [];
const used = new Map();
const IMPORT =
  /\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\bfrom\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
for (const dir of dirs) {
  for (const file of files(path.resolve(dir))) {
    for (const m of javascript(file).matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
      if (
        spec.startsWith('.') ||
        spec.startsWith('/') ||
        spec.startsWith('node:') ||
        builtins.has(spec) ||
        builtins.has(spec.split('/')[0])
      )
        continue;
      const name = packageOf(spec);
      const where = path.relative(root, file);
      if (!used.has(name)) used.set(name, where);
      if (devDeps.has(name) && !deps.has(name))
        problems.push(`${where}: imports ${spec}, a devDependency (npm ci --omit=dev leaves it out)`);
      else if (!deps.has(name))
        problems.push(`${where}: imports ${spec}, which package.json does not list in dependencies`);
    }
  }
}
if (resolve) {
  for (const [name, where] of used) {
    if (!deps.has(name)) continue;
    try {
      requireHere.resolve(`${name}/package.json`);
    } catch {
      try {
        requireHere.resolve(name);
      } catch {
        problems.push(`${where}: imports ${name}, which is not installed in ${path.join(root, 'node_modules')}`);
      }
    }
  }
}
if (problems.length > 0) {
  console.error(`check-runtime-deps: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `check-runtime-deps: ok, ${used.size} packages imported at run time, all production dependencies: ${[...used.keys()].sort().join(', ')}`,
);
