import {
  BUILTIN_PLACEHOLDERS,
  MAX_SUBJECT_LENGTH,
  TemplateError,
  renderEmail,
  templatePlaceholders,
  validateTemplate,
  type TemplateSource,
} from '../../src/email/render';

const LAYOUT =
  '<html><head><title>{{subject}}</title></head><body><main>{{{body}}}</main><footer>{{#footer}}{{footer}}{{/footer}}{{^footer}}default footer{{/footer}}</footer></body></html>';
const KNOWN = [...Object.keys(BUILTIN_PLACEHOLDERS), 'supplier_name', 'total_amount', 'currency'];

/** Runs `fn` and returns the TemplateError it throws. */
function templateError(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateError);
    return err as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('renderEmail', () => {
  it('HTML-escapes values in the body and places it into the layout', () => {
    const r = renderEmail(
      { subject: 'Invoice {{document_id}}', html: '<p>{{supplier_name}}</p><a href="{{document_url}}">open</a>' },
      {
        document_id: 'D1',
        supplier_name: '<script>alert(1)</script> & "Co"',
        document_url: 'https://x.test/d?a=1&b="2"',
      },
      LAYOUT,
    );
    expect(r.html).toContain('<p>&lt;script>alert(1)&lt;/script> &amp; &quot;Co&quot;</p>');
    expect(r.html).not.toContain('<script>');
    expect(r.html).toContain('href="https://x.test/d?a=1&amp;b=&quot;2&quot;"');
    expect(r.html).toMatch(/^<html><head><title>Invoice D1<\/title><\/head><body><main><p>/);
    expect(r.html).toContain('<footer>default footer</footer>');
  });

  it('uses a localized footer when given, escaped', () => {
    const r = renderEmail({ subject: 's', html: 'b' }, { footer: 'Pie <automático>' }, LAYOUT);
    expect(r.html).toContain('<footer>Pie &lt;automático></footer>');
  });

  it('does not HTML-escape the subject or an explicit text part', () => {
    const r = renderEmail(
      { subject: '{{supplier_name}}: {{total_amount}}', html: '<p>x</p>', text: 'From {{supplier_name}}' },
      { supplier_name: 'Smith & Sons <ltd>', total_amount: 5 },
      LAYOUT,
    );
    expect(r.subject).toBe('Smith & Sons <ltd>: 5');
    expect(r.text).toBe('From Smith & Sons <ltd>');
  });

  it('CR/LF and other control characters in a value cannot inject a header into the subject', () => {
    const r = renderEmail(
      { subject: '[invoice {{document_id}}] from {{supplier_name}}', html: '<p>x</p>' },
      { document_id: 'D1\r\nBcc: victim@example.com', supplier_name: 'A\u0000\tB\u2028C\u0085D\n\n' },
      LAYOUT,
    );
    expect(r.subject).toBe('[invoice D1 Bcc: victim@example.com] from A B C D');
    expect(r.subject).not.toMatch(/[\r\n\t\u2028\u0085]/);
    expect(r.subject).not.toContain(String.fromCharCode(0));
  });

  it('trims the subject and cuts it at 250 characters', () => {
    const r = renderEmail({ subject: '  {{reason}}  ', html: '' }, { reason: 'é'.repeat(400) }, LAYOUT);
    expect(Array.from(r.subject)).toHaveLength(MAX_SUBJECT_LENGTH);
    expect(r.subject.endsWith('…')).toBe(true);
    const emoji = renderEmail({ subject: '{{reason}}', html: '' }, { reason: '😀'.repeat(300) }, LAYOUT);
    expect(Array.from(emoji.subject)).toHaveLength(MAX_SUBJECT_LENGTH);
    expect(emoji.subject).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no lone high surrogate
  });

  it('derives the text from the rendered HTML body when no text is given, links as "label [url]"', () => {
    const r = renderEmail(
      {
        subject: 's',
        html: '<h1>Approval required</h1><p>Supplier: {{supplier_name}}</p>{{#actions}}<p><a href="{{url}}">{{label}}</a></p>{{/actions}}',
      },
      {
        supplier_name: 'ACME & Co',
        actions: [
          { action: 'approve', label: 'Approve', url: 'https://dn.test/actions/a?x=1&y=2' },
          { action: 'reject', label: 'Reject', url: 'https://dn.test/actions/r' },
        ],
      },
      LAYOUT,
    );
    expect(r.text).toBe(
      'Approval required\n\nSupplier: ACME & Co\n\nApprove [https://dn.test/actions/a?x=1&y=2]\n\nReject [https://dn.test/actions/r]',
    );
    expect(r.text).not.toContain('default footer'); // derived from the body, not the layout
  });

  it('keeps "label [url]" on one line for long signed links in table cells (email buttons)', () => {
    const url = `https://dn.test/actions/${'x'.repeat(240)}`;
    const r = renderEmail(
      {
        subject: 's',
        html: '<table><tr><td>Status</td><td>{{status_label}}</td></tr></table>{{#actions}}<table><tr><td><a href="{{url}}">{{label}}</a></td></tr></table>{{/actions}}',
      },
      { status_label: 'Pending approval', actions: [{ action: 'approve', label: 'Approve', url }] },
      LAYOUT,
    );
    expect(r.text).toBe(`Status   Pending approval\n\nApprove [${url}]`);
  });

  it('renders missing and null values as empty strings and skips their sections', () => {
    const r = renderEmail(
      {
        subject: 'A{{reason}}B{{error_message}}C',
        html: '<p>{{#supplier_name}}S: {{supplier_name}}{{/supplier_name}}{{^supplier_name}}none{{/supplier_name}}</p>',
      },
      { error_message: null },
      LAYOUT,
    );
    expect(r.subject).toBe('ABC');
    expect(r.html).toContain('<p>none</p>');
    expect(r.text).toBe('none');
  });

  it('treats values as data: never calls functions, never reads prototype properties', () => {
    const fn = jest.fn(() => 'called');
    const r = renderEmail(
      {
        subject: '{{reason}}|{{constructor}}|{{toString}}',
        html: '{{#reason}}x{{/reason}}{{#__proto__}}y{{/__proto__}}',
      },
      { reason: fn },
      LAYOUT,
    );
    expect(fn).not.toHaveBeenCalled();
    expect(r.subject).toBe('||');
  });

  it('refuses to render a template with unescaped output', () => {
    expect(() => renderEmail({ subject: 's', html: '{{{supplier_name}}}' }, { supplier_name: '<b>' }, LAYOUT)).toThrow(
      TemplateError,
    );
  });
});

describe('validateTemplate', () => {
  const ok: TemplateSource = {
    subject: '[{{document_type}} {{document_id}}] {{status_label}}',
    html: '{{#supplier_name}}<p>{{supplier_name}}: {{total_amount}} {{currency}}</p>{{/supplier_name}}{{#actions}}<a href="{{url}}">{{label}}</a>{{/actions}}{{^actions}}none{{/actions}}{{! a comment }}',
    text: '{{document_url}}',
  };

  it('accepts known placeholders, sections and the items of built-in lists', () => {
    expect(() => validateTemplate(ok, KNOWN)).not.toThrow();
  });

  it('names the first unknown placeholder and its part', () => {
    const e = templateError(() => validateTemplate({ subject: 'Invoice {{foo}} {{bar}}', html: '{{baz}}' }, KNOWN));
    expect(e.message).toBe('unknown placeholder "{{foo}}" in subject');
    expect(e.placeholder).toBe('foo');
    expect(e.part).toBe('subject');

    const inHtml = templateError(() =>
      validateTemplate({ subject: '{{document_id}}', html: '<p>{{#purchase_order}}x{{/purchase_order}}</p>' }, KNOWN),
    );
    expect(inHtml.message).toBe('unknown placeholder "{{#purchase_order}}" in html');
    expect(inHtml.placeholder).toBe('purchase_order');

    const inText = templateError(() => validateTemplate({ ...ok, text: 'x {{ nope }}' }, KNOWN));
    expect(inText.message).toBe('unknown placeholder "{{nope}}" in text');
    expect(inText.part).toBe('text');
  });

  it('knows item fields only inside their list section', () => {
    expect(
      templateError(() => validateTemplate({ subject: 's', html: '<a href="{{url}}">x</a>' }, KNOWN)).message,
    ).toBe('unknown placeholder "{{url}}" in html');
    expect(
      templateError(() => validateTemplate({ subject: 's', html: '{{#actions}}{{href}}{{/actions}}' }, KNOWN))
        .placeholder,
    ).toBe('href');
    // inside an inverted section there is no item
    expect(
      templateError(() => validateTemplate({ subject: 's', html: '{{^actions}}{{url}}{{/actions}}' }, KNOWN))
        .placeholder,
    ).toBe('url');
  });

  it('rejects triple mustache, {{& }}, partials and delimiter changes', () => {
    const triple = templateError(() => validateTemplate({ subject: 's', html: '<p>{{{supplier_name}}}</p>' }, KNOWN));
    expect(triple.message).toBe('unescaped output is not allowed: "{{{supplier_name}}}" in html at line 1, column 4');
    expect(triple.part).toBe('html');
    expect(templateError(() => validateTemplate({ subject: '{{& reason}}', html: '' }, KNOWN)).message).toMatch(
      /^unescaped output is not allowed: "\{\{& reason\}\}" in subject/,
    );
    expect(templateError(() => validateTemplate({ subject: 's', html: '{{> footer}}' }, KNOWN)).message).toMatch(
      /^partials are not allowed/,
    );
    expect(
      templateError(() => validateTemplate({ subject: 's', html: '{{=<% %>=}}<%supplier_name%>' }, KNOWN)).message,
    ).toMatch(/^changing delimiters is not allowed/);
  });

  it('reports syntax errors with part, line and column', () => {
    const unclosedSection = templateError(() =>
      validateTemplate({ subject: 's', html: '<p>\n  {{#actions}}<a href="{{url}}">x</a>\n</p>' }, KNOWN),
    );
    expect(unclosedSection.message).toBe('syntax error in html at line 3, column 5: Unclosed section "actions"');
    expect(unclosedSection.part).toBe('html');

    expect(templateError(() => validateTemplate({ subject: 'Invoice {{document_id', html: '' }, KNOWN)).message).toBe(
      'syntax error in subject at line 1, column 22: Unclosed tag',
    );
    expect(templateError(() => validateTemplate({ subject: 's', html: 'a\nb {{/actions}}' }, KNOWN)).message).toBe(
      'syntax error in html at line 2, column 3: Unopened section "actions"',
    );
    expect(
      templateError(() => validateTemplate({ subject: 's', html: '{{#actions}}{{/reason}}' }, KNOWN)).message,
    ).toBe('syntax error in html at line 1, column 13: Unclosed section "actions"');
    expect(templateError(() => validateTemplate({ subject: 's', html: 'x {{ }}' }, KNOWN)).message).toBe(
      'syntax error in html at line 1, column 3: empty tag',
    );
  });
});

describe('templatePlaceholders', () => {
  it('lists every name once in order of use; list item fields qualified', () => {
    expect(
      templatePlaceholders({
        subject: '[{{document_type}} {{document_id}}]',
        html: '{{#supplier_name}}{{supplier_name}}{{/supplier_name}}{{#actions}}<a href="{{url}}">{{label}}</a> {{document_id}}{{/actions}}{{#due_date}}{{.}}{{/due_date}}',
        text: '{{due_in}} {{document_type}}',
      }),
    ).toEqual([
      'document_type',
      'document_id',
      'supplier_name',
      'actions',
      'actions.url',
      'actions.label',
      'due_date',
      'due_in',
    ]);
  });
});

describe('BUILTIN_PLACEHOLDERS', () => {
  it('has the fixed built-in names, each with a description and a sample', () => {
    expect(Object.keys(BUILTIN_PLACEHOLDERS).sort()).toEqual([
      'actions',
      'approve_url',
      'assignee',
      'comment_author',
      'comment_text',
      'decided_at',
      'decided_at_raw',
      'decided_by',
      'decision',
      'digest_count',
      'digest_one',
      'document_id',
      'document_type',
      'document_url',
      'documents',
      'due_date',
      'due_date_raw',
      'due_in',
      'error_message',
      'escalation_level',
      'failed_recipient',
      'failure_count',
      'invoice_date_raw',
      'is_escalation',
      'is_reminder',
      'more_count',
      'open_url',
      'preferences_url',
      'previous_status',
      'reason',
      'recipient_email',
      'recipient_name',
      'reject_url',
      'reminder_number',
      'rule_name',
      'smtp_response',
      'snooze_url',
      'status',
      'status_label',
      'tenant_id',
      'total_amount_raw',
      'total_amount_with_currency',
      'validate_url',
      'waiting_count',
      'waiting_url',
    ]);
    for (const info of Object.values(BUILTIN_PLACEHOLDERS)) {
      expect(info.description.length).toBeGreaterThan(5);
      expect(info.sample).not.toBeUndefined();
    }
  });
});
