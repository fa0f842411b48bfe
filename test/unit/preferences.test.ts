import {
  classify,
  decide,
  effectiveMode,
  FYI_KINDS,
  listId,
  MODES,
  modesFor,
  PREFERENCE_KINDS,
  userKey,
} from '../../src/domain/preferences';
import { INTERVENTION_STATUSES, STATUSES } from '../../src/domain/status';
import { loadLayout } from '../../src/email/defaults';
import { renderEmail } from '../../src/email/render';
import { DKIM_SIGNED_HEADERS, listHeaders } from '../../src/email/transport';
import { isOneClick } from '../../src/web/preferences';

describe('classify', () => {
  it('decision confirmations are FYI decision_confirmations', () => {
    expect(classify({ kind: 'decision', status: 'approved' })).toEqual({ fyi: true, kind: 'decision_confirmations' });
  });

  it('comment_added events are FYI comments; assigned events are action-required', () => {
    expect(classify({ kind: 'event', triggerEvent: 'comment_added' })).toEqual({ fyi: true, kind: 'comments' });
    expect(classify({ kind: 'event', triggerEvent: 'assigned' })).toEqual({ fyi: false, kind: 'action_required' });
    // the rule is gone: the template is the last hint
    expect(classify({ kind: 'event', template: 'comment_added' })).toEqual({ fyi: true, kind: 'comments' });
    expect(classify({ kind: 'event', template: 'assigned' }).fyi).toBe(false);
    // a rule's own template does not make an assigned event a comment
    expect(classify({ kind: 'event', triggerEvent: 'assigned', template: 'comment_added' }).fyi).toBe(false);
  });

  it.each(STATUSES.map((s) => [s]))('status emails of %s: FYI exactly when the status waits for nobody', (status) => {
    for (const kind of ['first', 'reminder', 'reassignment']) {
      const c = classify({ kind, status });
      if (INTERVENTION_STATUSES.includes(status)) expect(c).toEqual({ fyi: false, kind: 'action_required' });
      else expect(c).toEqual({ fyi: true, kind: 'processing_completed' });
    }
  });

  it('escalations are copies unless the recipient must act', () => {
    expect(classify({ kind: 'escalation', status: 'pending_approval', recipientMustAct: false })).toEqual({
      fyi: true,
      kind: 'escalation_copies',
    });
    expect(classify({ kind: 'escalation', status: 'pending_approval', recipientMustAct: true }).fyi).toBe(false);
  });

  it.each(['due_soon', 'overdue', 'smtp_failure_alert', 'test', 'something_new'])('%s is action-required', (kind) => {
    expect(classify({ kind, status: 'exported' })).toEqual({ fyi: false, kind: 'action_required' });
  });

  it('a status email without a status is action-required (never silently FYI)', () => {
    expect(classify({ kind: 'first' }).fyi).toBe(false);
  });
});

describe('modes and decisions', () => {
  it('action-required email cannot be off, FYI kinds can', () => {
    expect(modesFor('action_required')).toEqual(['immediate', 'digest']);
    for (const k of FYI_KINDS) expect(modesFor(k)).toEqual(MODES);
    expect(PREFERENCE_KINDS).toEqual([...FYI_KINDS, 'action_required']);
  });

  it('off skips an FYI email with reason preference', () => {
    expect(decide({ fyi: true, kind: 'processing_completed' }, 'off')).toEqual({ send: false, reason: 'preference' });
  });

  it('digest is a send in the digest (the mode says digest; routeEmail files it)', () => {
    expect(decide({ fyi: true, kind: 'comments' }, 'digest')).toEqual({ send: true, mode: 'digest' });
    expect(decide({ fyi: false, kind: 'action_required' }, 'digest')).toEqual({ send: true, mode: 'digest' });
  });

  it('nothing stored is immediate; an off stored for action-required is ignored', () => {
    expect(effectiveMode({ fyi: true, kind: 'comments' }, undefined)).toBe('immediate');
    expect(decide({ fyi: false, kind: 'action_required' }, 'off')).toEqual({ send: true, mode: 'immediate' });
  });
});

describe('userKey and listId', () => {
  it('is the directory id, else the lower-cased address', () => {
    expect(userKey({ email: 'Ana@Example.com', userId: 'ana' })).toBe('ana');
    expect(userKey({ email: ' Ana@Example.COM ' })).toBe('ana@example.com');
    expect(userKey({ email: 'Ana@Example.com', userId: '' })).toBe('ana@example.com');
  });

  it('builds <tenant>.docnotify.<domain> in list-id characters', () => {
    expect(listId('acme', 'mail.example.com')).toBe('acme.docnotify.mail.example.com');
    expect(listId('Acme_EU.1', 'Example.COM')).toBe('acme-eu-1.docnotify.example.com');
  });
});

describe('list headers', () => {
  it('FYI: List-Id and the RFC 8058 pair; action-required: none', () => {
    expect(
      listHeaders({
        id: 'acme.docnotify.example.com',
        unsubscribeUrl: 'https://dn.test/preferences/t/unsubscribe?kind=comments',
      }),
    ).toEqual({
      'List-Id': '<acme.docnotify.example.com>',
      'List-Unsubscribe': '<https://dn.test/preferences/t/unsubscribe?kind=comments>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(listHeaders({ id: 'acme.docnotify.example.com' })).toEqual({ 'List-Id': '<acme.docnotify.example.com>' });
    expect(listHeaders(undefined)).toEqual({});
  });

  it('DKIM signs List-Id, List-Unsubscribe and List-Unsubscribe-Post', () => {
    const signed = DKIM_SIGNED_HEADERS.split(':');
    expect(signed).toEqual(
      expect.arrayContaining(['From', 'Subject', 'List-Id', 'List-Unsubscribe', 'List-Unsubscribe-Post']),
    );
  });
});

describe('the preferences link in the layout', () => {
  const layout = loadLayout();
  it('shows the link in the footer and at the end of the text when given', () => {
    const url = 'https://dn.test/preferences/p1.k1.abc.def';
    const r = renderEmail(
      { subject: 's', html: '<p>Hello</p>' },
      { preferences_url: url, preferences_label: 'Email preferences and unsubscribe' },
      layout,
    );
    expect(r.html).toContain(`<a href="${url}"`);
    expect(r.html).toContain('Email preferences and unsubscribe</a>');
    expect(r.text).toBe(`Hello\n\nEmail preferences and unsubscribe: ${url}`);
  });

  it('shows nothing without one (and never a javascript: URL)', () => {
    expect(renderEmail({ subject: 's', html: '<p>Hello</p>' }, {}, layout).html).not.toContain('preferences');
    const r = renderEmail({ subject: 's', html: '<p>Hi</p>' }, { preferences_url: 'javascript:alert(1)' }, layout);
    expect(r.html).not.toContain('javascript:');
    expect(r.text).toBe('Hi');
  });
});

describe('isOneClick', () => {
  it('accepts the url-encoded and the multipart RFC 8058 body', () => {
    expect(isOneClick({ 'List-Unsubscribe': 'One-Click' })).toBe(true);
    const multipart = '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n';
    expect(isOneClick({ __multipart: multipart })).toBe(true);
  });

  it('refuses anything else', () => {
    expect(isOneClick(undefined)).toBe(false);
    expect(isOneClick({})).toBe(false);
    expect(isOneClick({ 'List-Unsubscribe': 'one-click-ish' })).toBe(false);
    expect(
      isOneClick({ __multipart: '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nOne-Click\r\n--b--' }),
    ).toBe(false);
  });
});
