import type { Account } from '../../src/accounts/account-types';
import type { WebhookAccounts } from '../../src/webhook/webhook-router';
import { SECRET } from './webhook';

/** An account as the registry holds it, for a receiver built without the service. */
export function testAccount(
  name = 'default',
  options: { secrets?: readonly string[]; zoomAccountId?: string } = {},
): Account {
  return {
    name,
    zoom: {
      accountId: options.zoomAccountId ?? '',
      clientId: '',
      clientSecret: '',
      maxRequestsPerSecond: 30,
    },
    webhookSecrets: options.secrets ?? [SECRET],
    rulesFile: undefined,
    alertWebhookUrl: undefined,
    reconcileUsers: { kind: 'all' },
  };
}

/** The accounts a receiver serves, looked up by name as the registry does. */
export function accountsOf(...accounts: Account[]): WebhookAccounts {
  const byName = new Map(accounts.map((a) => [a.name, a]));
  return { get: (name) => byName.get(name) };
}
