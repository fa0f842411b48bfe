import { looksLikeEmail } from '../../src/domain/recipients';
import { sameSecret } from '../../src/web/server';

test('sameSecret: equal secrets match; different ones, of any length, do not', () => {
  expect(sameSecret('test-token-0123456789abcdef', 'test-token-0123456789abcdef')).toBe(true);
  expect(sameSecret('test-token-0123456789abcdef', 'test-token-0123456789abcdeg')).toBe(false);
  expect(sameSecret('test-token-0123456789abcdef', 'short')).toBe(false);
  expect(sameSecret('', 'x'.repeat(10_000))).toBe(false);
});

test('looksLikeEmail: addresses yes; values over 320 characters are refused before the pattern runs', () => {
  expect(looksLikeEmail('ana@example.com')).toBe(true);
  expect(looksLikeEmail('not an address')).toBe(false);
  expect(looksLikeEmail(`${'a'.repeat(310)}@example.com`)).toBe(false);
  // The shape that made the pattern quadratic: it is refused by its length at once.
  expect(looksLikeEmail(`a@${'a'.repeat(200_000)}`)).toBe(false);
});
