export { documentWorkflow } from './document';
export { rulesFanOutWorkflow } from './fanout';
export { digestWorkflow } from './digest';
