export { documentWorkflow } from './document';
