import { templateValues } from '../../src/email/values';

const values = (
  fields: Record<string, string | number>,
  links: { action: 'approve'; label: string; url: string }[] = [],
) =>
  templateValues({
    snapshot: {
      tenantId: 't',
      documentId: 'INV-1',
      documentType: 'invoice',
      status: 'pending_approval',
      fields,
      escalationLevel: 0,
    },
    recipient: { email: 'ana@example.com' },
    locale: 'en',
    kind: 'first',
    seq: 0,
    links,
    documentUrl: 'https://docnotify.example.com/admin/documents/t/INV-1',
  });

test('a document_url from the document is used only when it is an http(s) URL', () => {
  expect(values({ document_url: 'https://dms.example.com/INV-1' }).document_url).toBe('https://dms.example.com/INV-1');
  for (const bad of [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>1</script>',
    'vbscript:x',
    '//evil.example.com',
    'not a url',
  ]) {
    expect(values({ document_url: bad }).document_url).toBe('https://docnotify.example.com/admin/documents/t/INV-1');
  }
});

test('link built-ins are never taken from fields, whether the link is offered or not', () => {
  const offered = values({ approve_url: 'https://evil.example.com/a', reject_url: 'https://evil.example.com/r' }, [
    { action: 'approve', label: 'Approve', url: 'https://docnotify.example.com/actions/tok' },
  ]);
  expect(offered.approve_url).toBe('https://docnotify.example.com/actions/tok');
  expect(offered.reject_url).toBeUndefined();
  expect(values({ snooze_url: 'https://evil.example.com/s', supplier_name: 'ACME' })).toMatchObject({
    supplier_name: 'ACME',
  });
  expect(values({ snooze_url: 'https://evil.example.com/s' }).snooze_url).toBeUndefined();
});
