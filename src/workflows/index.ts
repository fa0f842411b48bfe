export { documentWorkflow } from './document';
export { rulesFanOutWorkflow } from './fanout';
