/**
 * Every view names its JSX runtime in its first line. tsx (how a checkout runs docnotify) reads the JSX settings from
 * the tsconfig.json of the directory it runs in: `docnotify serve` started elsewhere (the chaos suite does, and so may
 * an operator) would compile the views for React otherwise and fail every page with "React is not defined".
 */
import fs from 'node:fs';
import path from 'node:path';

const PRAGMA = '/** @jsxRuntime automatic @jsxImportSource preact */';

function tsxFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsxFiles(full);
    return entry.name.endsWith('.tsx') ? [full] : [];
  });
}

test('every .tsx file under src/ starts with the JSX pragma', () => {
  const files = tsxFiles(path.resolve(__dirname, '../../src'));
  expect(files.length).toBeGreaterThan(20);
  const missing = files.filter((file) => fs.readFileSync(file, 'utf8').split('\n')[0] !== PRAGMA);
  expect(missing).toEqual([]);
});
