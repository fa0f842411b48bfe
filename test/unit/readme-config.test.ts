import fs from 'node:fs';
import path from 'node:path';
import { configSchema } from '../../src/config';

test('every configuration variable has a row in the README configuration table', () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  // A row names one variable or several (`A`, `B`, `C`) in its first cell.
  const firstCells = [...readme.matchAll(/^\| (`[A-Z0-9_]+`(?:, `[A-Z0-9_]+`)*) \|/gm)].map((m) => m[1]);
  const rows = new Set(firstCells.flatMap((cell) => [...cell.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1])));
  const variables = Object.keys(configSchema.shape);
  expect(variables.length).toBeGreaterThan(30);
  expect(variables.filter((v) => !rows.has(v))).toEqual([]);
});
