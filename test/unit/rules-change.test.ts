import { defineSearchAttributeKey, TypedSearchAttributes } from '@temporalio/common';
import { changeScope, mergeScopes, ruleInputSchema, type RuleInput } from '../../src/domain/rules';
import { quoteVisibility, rulesScopeQuery } from '../../src/domain/visibility';
import { searchAttributeChanges } from '../../src/workflows/view';

const rule = (input: Partial<RuleInput>) =>
  ruleInputSchema.parse({ name: 'r', trigger: { status: 'pending_approval' }, ...input });

describe('changeScope: who must hear of a rule change', () => {
  test('a status rule: documents in its status (before and after), of its type', () => {
    expect(
      changeScope(rule({ documentType: 'invoice' }), rule({ trigger: { status: 'on_hold' }, documentType: 'order' })),
    ).toEqual({ statuses: ['on_hold', 'pending_approval'], documentTypes: ['invoice', 'order'] });
    expect(changeScope(undefined, rule({}))).toEqual({ statuses: ['pending_approval'] });
    expect(changeScope(rule({ documentType: 'invoice' }), undefined)).toEqual({
      statuses: ['pending_approval'],
      documentTypes: ['invoice'],
    });
  });
  test('an event rule may have a notice pending in any status; a rule of every type reaches every type', () => {
    expect(changeScope(rule({}), rule({ trigger: { event: 'comment_added' } }))).toEqual({});
    expect(changeScope(rule({ documentType: 'invoice' }), rule({}))).toEqual({ statuses: ['pending_approval'] });
  });
  test('merged scopes: their union; one "all" makes all', () => {
    expect(mergeScopes([{ statuses: ['b', 'a'] }, { statuses: ['a', 'c'], documentTypes: ['x'] }])).toEqual({
      statuses: ['a', 'b', 'c'],
    });
    expect(mergeScopes([{ statuses: ['a'] }, {}])).toEqual({});
  });
});

describe('visibility queries', () => {
  test('quotes escape backslashes before quotes (a crafted tenant id cannot widen the query)', () => {
    expect(quoteVisibility("a'b")).toBe("'a\\'b'");
    expect(quoteVisibility("x\\' OR TenantId != '")).toBe("'x\\\\\\' OR TenantId != \\''");
  });
  test('the fan-out query names the running documents of the tenant in scope', () => {
    expect(rulesScopeQuery('t1', { statuses: ['on_hold', 'pending_approval'], documentTypes: ['invoice'] })).toBe(
      "WorkflowType = 'documentWorkflow' AND ExecutionStatus = 'Running' AND TenantId = 't1' AND DocumentStatus IN ('on_hold', 'pending_approval') AND DocumentType = 'invoice'",
    );
    expect(rulesScopeQuery('t1', {})).toBe(
      "WorkflowType = 'documentWorkflow' AND ExecutionStatus = 'Running' AND TenantId = 't1'",
    );
  });
});

describe('searchAttributeChanges: only what differs is upserted', () => {
  const status = defineSearchAttributeKey('DocumentStatus', 'KEYWORD');
  const next = defineSearchAttributeKey('NextNotificationAt', 'DATETIME');
  const level = defineSearchAttributeKey('EscalationLevel', 'INT');
  const current = new TypedSearchAttributes([
    { key: status, value: 'pending_approval' },
    { key: next, value: new Date(1000) },
    { key: level, value: 0 },
  ]);
  test('equal values (dates by instant) are left out', () => {
    expect(
      searchAttributeChanges(
        [
          { key: status, value: 'pending_approval' },
          { key: next, value: new Date(1000) },
          { key: level, value: 0 },
        ],
        current,
      ),
    ).toEqual([]);
  });
  test('a changed value, a cleared one and a new one are kept', () => {
    const assignee = defineSearchAttributeKey('Assignee', 'KEYWORD');
    const changes = searchAttributeChanges(
      [
        { key: status, value: 'approved' },
        { key: next, value: null },
        { key: assignee, value: 'ana@example.com' },
        { key: level, value: 0 },
      ],
      current,
    );
    expect(changes.map((c) => [c.key.name, c.value])).toEqual([
      ['DocumentStatus', 'approved'],
      ['NextNotificationAt', null],
      ['Assignee', 'ana@example.com'],
    ]);
  });
  test('clearing what is not set is no change', () => {
    const assignee = defineSearchAttributeKey('Assignee', 'KEYWORD');
    expect(searchAttributeChanges([{ key: assignee, value: null }], current)).toEqual([]);
  });
});
