import { DocnotifyClient, type EventInput } from '../../src/client';
import type { Config } from '../../src/config';
import type { RuleInput, Rule } from '../../src/domain/rules';
import type { Stores } from '../../src/store';
import { uid } from './env';
import { messagesTo } from './mailpit';

/** One test's world: its own tenant (so its rules are the only ones that apply) and helpers around it. */
export class Scenario {
  readonly tenantId = uid('tenant');
  constructor(
    readonly client: DocnotifyClient,
    readonly stores: Stores,
  ) {}

  static async create(config: Config, stores: Stores): Promise<Scenario> {
    const client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
    return new Scenario(client, stores);
  }

  rule(input: Omit<RuleInput, 'tenantId'>): Promise<Rule> {
    return this.stores.rules.create({ ...input, tenantId: this.tenantId });
  }

  event(documentId: string, e: Record<string, unknown>): Promise<unknown> {
    return this.client.sendEvent({ documentId, tenantId: this.tenantId, ...e } as EventInput);
  }

  status(documentId: string, status: string, extra: Record<string, unknown> = {}): Promise<unknown> {
    return this.event(documentId, { type: 'status_changed', status, ...extra });
  }

  state(documentId: string) {
    return this.client.getState(documentId, this.tenantId);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export const address = (label: string): string => `${uid(label)}@example.com`;

/** Number of emails that reached each address. */
export async function countMail(...addresses: string[]): Promise<number[]> {
  return Promise.all(addresses.map(async (a) => (await messagesTo(a)).length));
}
