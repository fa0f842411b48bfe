import type { RulesChangeScope } from './rules';

/** A string literal of Temporal's visibility query language: backslashes and quotes escaped. */
export const quoteVisibility = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const anyOf = (attribute: string, values: string[]) =>
  values.length === 1
    ? `${attribute} = ${quoteVisibility(values[0])}`
    : `${attribute} IN (${values.map(quoteVisibility).join(', ')})`;

/** The running document workflows of a tenant that a rules change of `scope` can affect. */
export function rulesScopeQuery(tenantId: string, scope: RulesChangeScope): string {
  const q = [
    "WorkflowType = 'documentWorkflow'",
    "ExecutionStatus = 'Running'",
    `TenantId = ${quoteVisibility(tenantId)}`,
  ];
  if (scope.statuses) q.push(anyOf('DocumentStatus', scope.statuses));
  if (scope.documentTypes) q.push(anyOf('DocumentType', scope.documentTypes));
  return q.join(' AND ');
}
