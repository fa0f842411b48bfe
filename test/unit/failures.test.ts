import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  EXIT_CODES,
  Failure,
  FAILURES,
  isRefusalType,
  refusalPage,
  SMTP_CLASSES,
  SmtpClass,
  type FailureType,
  type RefusalType,
} from '../../src/domain/failures';
import type { SnoozeRefusal } from '../../src/domain/snooze';
import {
  ConflictError,
  failureTypeOf,
  ForbiddenError,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from '../../src/errors';
import { ConfigError } from '../../src/config';
import { reportError } from '../../src/cli/main';
import { classifySmtpError } from '../../src/email/transport';

const SRC = join(__dirname, '../../src');

/** The failure type names written as literals in one source text (see the header of src/domain/failures.ts). */
function literalTypeNames(source: string): string[] {
  const names: string[] = [];
  const literals = (span: string) => {
    for (const m of span.matchAll(/'([A-Z][A-Za-z0-9]*)'/g)) names.push(m[1]);
  };
  // The arguments of ApplicationFailure.nonRetryable(…) / retryable(…): up to the closing parenthesis, parentheses
  // inside string literals excepted.
  for (const m of source.matchAll(/\b(?:nonRetryable|retryable)\(/g)) {
    let depth = 1;
    let quote: string | undefined;
    let i = m.index + m[0].length;
    for (; i < source.length && depth > 0; i++) {
      const ch = source[i];
      if (quote) {
        if (ch === '\\') i++;
        else if (ch === quote) quote = undefined;
      } else if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '(') depth++;
      else if (ch === ')') depth--;
    }
    literals(source.slice(m.index + m[0].length, i));
  }
  for (const m of source.matchAll(/nonRetryableErrorTypes:\s*\[([^\]]*)\]/g)) literals(m[1]);
  for (const m of source.matchAll(/\.type\s*[!=]==?\s*'([A-Z][A-Za-z0-9]*)'/g)) names.push(m[1]);
  for (const m of source.matchAll(/\bcase '([A-Z][A-Za-z0-9]*)':/g)) names.push(m[1]);
  for (const m of source.matchAll(/\bok: false,[^}]*?\btype: '([A-Za-z0-9]+)'/g)) names.push(m[1]);
  return names;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const ALL = Object.values(Failure) as string[];

describe('the failure module', () => {
  it('names every failure type written as a literal anywhere in src/', () => {
    const found = new Map<string, string>(); // name → first file
    for (const file of sourceFiles(SRC)) {
      for (const name of literalTypeNames(readFileSync(file, 'utf8'))) {
        if (!found.has(name)) found.set(name, relative(SRC, file));
      }
    }
    // The scan sees the literals that are still there (activities, plugin, snooze decisions): it is not vacuous.
    expect([...found.keys()]).toEqual(expect.arrayContaining(['SnoozeLinkUsed', 'SnoozeDueDate']));
    const missing = [...found].filter(([name]) => !ALL.includes(name)).map(([name, file]) => `${name} (${file})`);
    expect(missing).toEqual([]);
  });

  it('the scan finds literals in each form it looks for', () => {
    const text = [
      'throw ApplicationFailure.nonRetryable(`already ${a.b} at ${new Date(x).toISOString()}`,',
      "  'Bogus1', details);",
      "throw ApplicationFailure.retryable('(not a name)', 'Bogus2');",
      "retry: { nonRetryableErrorTypes: ['Bogus3', Failure.TemplateError] },",
      "if (outcome.type === 'Bogus4') return;",
      "switch (x) { case 'Bogus5': break; case 'lower': break; }",
      "return {\n  ok: false,\n  type: 'Bogus6',\n  reason: `r`,\n};",
      "if (type === 'Keyword') {}", // a search attribute's type, not a failure
    ].join('\n');
    expect(literalTypeNames(text)).toEqual(['Bogus1', 'Bogus2', 'Bogus3', 'Bogus4', 'Bogus5', 'Bogus6']);
  });

  it('keeps every type name exactly as the histories, clients and pages know it', () => {
    for (const [key, name] of Object.entries(Failure)) expect(name).toBe(key);
    expect(ALL.sort()).toEqual(
      [
        'AlreadyDecided',
        'BadRequest',
        'ConfigError',
        'ConflictError',
        'Expired',
        'ForbiddenError',
        'NotFound',
        'NotFoundError',
        'Reassigned',
        'SnoozeDueDate',
        'SnoozeLimitReached',
        'SnoozeLinkUsed',
        'StaleTask',
        'TemplateError',
        'TemporarySmtpError',
        'UnavailableError',
        'ValidationError',
        'WebhookRejected',
        'WrongRecipient',
      ].sort(),
    );
  });

  it('maps every type, and nothing else, to a meaning, an HTTP status, an exit code and a page', () => {
    expect(Object.keys(FAILURES).sort()).toEqual([...ALL].sort());
    const exits = Object.values(EXIT_CODES).filter((c) => c !== EXIT_CODES.ok);
    for (const [name, f] of Object.entries(FAILURES)) {
      expect({ name, meaning: f.meaning.length > 10 }).toEqual({ name, meaning: true });
      expect({ name, http: f.http >= 400 && f.http <= 599 && Number.isInteger(f.http) }).toEqual({ name, http: true });
      expect({ name, exit: exits.includes(f.exit as never) }).toEqual({ name, exit: true });
      expect(typeof f.page).toBe('string');
    }
  });

  it('answers the error classes with the statuses and exit codes of before', () => {
    const cases: [Error, FailureType, number, number][] = [
      [new ValidationError('x'), 'ValidationError', 400, 2],
      [new ForbiddenError('x'), 'ForbiddenError', 403, 2],
      [new NotFoundError('x'), 'NotFoundError', 404, 3],
      [new ConflictError('x'), 'ConflictError', 409, 4],
      [new UnavailableError('x'), 'UnavailableError', 503, 1],
    ];
    for (const [err, type, http, exit] of cases) {
      expect(failureTypeOf(err)).toBe(type);
      expect([FAILURES[type].http, FAILURES[type].exit]).toEqual([http, exit]);
    }
    expect(failureTypeOf(new Error('x'))).toBeUndefined();
    expect(failureTypeOf(Object.assign(new Error('x'), { name: 'NotFoundError' }))).toBeUndefined();
    expect(failureTypeOf('NotFoundError')).toBeUndefined();
  });

  it("reportError's exit codes come from the map", () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(reportError(new ValidationError('bad'))).toBe(2);
      expect(reportError(new ConfigError('bad'))).toBe(2);
      expect(reportError(new ForbiddenError('no'))).toBe(2);
      expect(reportError(new NotFoundError('none'))).toBe(3);
      expect(reportError(new ConflictError('dup'))).toBe(4);
      expect(reportError(new UnavailableError('down'))).toBe(1);
      expect(reportError(new Error('boom'))).toBe(1);
      expect(write).toHaveBeenLastCalledWith('docnotify: boom\n');
    } finally {
      write.mockRestore();
    }
  });

  it('gives each refusal the action page and status of before', () => {
    const pages: Record<RefusalType, [number, string]> = {
      AlreadyDecided: [409, 'alreadyDecided'],
      Expired: [410, 'expired'],
      Reassigned: [409, 'reassigned'],
      StaleTask: [409, 'stale'],
      NotFound: [409, 'stale'],
      WrongRecipient: [403, 'wrongRecipient'],
      SnoozeLinkUsed: [409, 'snoozeUsed'],
      SnoozeLimitReached: [409, 'snoozeLimit'],
      SnoozeDueDate: [409, 'snoozeDue'],
      BadRequest: [400, 'badRequest'],
    };
    for (const [type, [http, page]] of Object.entries(pages)) {
      expect(isRefusalType(type)).toBe(true);
      expect({ type, ...refusalPage(type) }).toMatchObject({ type, http, page });
    }
    expect(ALL.filter(isRefusalType).sort()).toEqual(Object.keys(pages).sort());
    // Shown as already decided when the document records the decision (decided, then moved on).
    expect([refusalPage('StaleTask').decidedFirst, refusalPage('NotFound').decidedFirst]).toEqual([true, true]);
    // Any other type, or none (a validator's plain Error): the 409 "bad request" page.
    for (const other of [undefined, 'Error', 'TemplateError', 'ValidationError'])
      expect(refusalPage(other)).toEqual({ http: 409, page: 'badRequest' });
  });

  it('names the SMTP classes classifySmtpError returns', () => {
    const snoozeRefusals: RefusalType[] = [] as SnoozeRefusal[]; // tsc: the snooze refusals are refusal types
    expect(snoozeRefusals).toEqual([]);
    expect(Object.keys(SMTP_CLASSES).sort()).toEqual(Object.values(SmtpClass).sort());
    const classes = [
      classifySmtpError({ code: 'ECONNECTION' }),
      classifySmtpError({ responseCode: 550 }),
      classifySmtpError({ responseCode: 451 }),
      classifySmtpError({ code: 'EENVELOPE' }),
    ];
    expect(classes).toEqual(['temporary', 'permanent', 'temporary', 'permanent']);
  });
});
