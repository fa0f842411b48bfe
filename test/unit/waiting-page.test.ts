import { Keyring } from '../../src/links/token';
import type { StoredEntry } from '../../src/store/digests';
import { WAITING_PAGE_SIZE, waitingPage } from '../../src/web/preferences';
import { renderPublicPage } from '../../src/web/views/page';

const keyring = Keyring.fromString('a'.repeat(32));
const NOW = Date.parse('2026-12-02T08:00:00Z');
const entry = (i: number, over: Partial<StoredEntry> = {}): StoredEntry => ({
  entryKey: `DOC-${i}`,
  ledgerKey: `t/DOC-${i}/k/ana@example.com`,
  documentId: `DOC-${i}`,
  documentType: 'invoice',
  kind: 'waiting',
  subject: `[invoice DOC-${i}] Reminder`,
  status: 'pending_approval',
  since: NOW - i * 1000,
  actions: ['approve', 'reject'],
  task: { id: `task-${i}`, version: 1 },
  ...over,
});
const base = {
  tenantId: 't',
  recipient: 'Ana@Example.com',
  path: '/preferences/p1.tok/waiting',
  publicBaseUrl: 'https://dn.example.com',
  keyring,
  now: NOW,
};

test('lists each document with its signed links for this person, escapes what it shows, pages on', () => {
  const out = waitingPage({
    ...base,
    lang: 'en',
    entries: [entry(1, { subject: '<script>alert(1)</script>', dueAt: Date.parse('2026-12-10T00:00:00Z') }), entry(2)],
    total: WAITING_PAGE_SIZE + 5,
    page: 1,
  });
  const html = renderPublicPage({ lang: 'en', title: out.title, children: out.body });
  expect(html).toContain('&lt;script>alert(1)&lt;/script>'); // preact escapes '<' and '&' in text, leaves '>'
  expect(html).not.toContain('<script>alert(1)');
  const links = [...html.matchAll(/href="https:\/\/dn\.example\.com\/actions\/([^"]+)"/g)].map((m) => m[1]);
  expect(links).toHaveLength(4);
  const claims = links.map((t) => keyring.verify(t.replace(/&amp;/g, '&'), NOW));
  expect(claims.every((c) => c.ok)).toBe(true);
  expect(claims.map((c) => (c.ok ? [c.claims.documentId, c.claims.action, c.claims.recipient] : []))).toEqual([
    ['DOC-1', 'approve', 'ana@example.com'],
    ['DOC-1', 'reject', 'ana@example.com'],
    ['DOC-2', 'approve', 'ana@example.com'],
    ['DOC-2', 'reject', 'ana@example.com'],
  ]);
  expect(html).toContain('105 documents wait for you');
  expect(html).toContain('Page 1 of 2');
  expect(html).toContain('href="/preferences/p1.tok/waiting?page=2"');
});

test('in Spanish and German; one document in the singular; nothing waiting says so; no task, no links', () => {
  const es = waitingPage({ ...base, lang: 'es', entries: [entry(1, { task: undefined })], total: 1, page: 1 });
  const esHtml = renderPublicPage({ lang: 'es', title: es.title, children: es.body });
  expect(esHtml).toContain('Un documento espera su acción.');
  expect(esHtml).not.toContain('/actions/');
  const de = waitingPage({ ...base, lang: 'de', entries: [], total: 0, page: 1 });
  expect(renderPublicPage({ lang: 'de', title: de.title, children: de.body })).toContain('Nichts wartet auf Sie.');
});
