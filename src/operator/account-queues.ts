import type { StartQueues } from '../queue/start-queues';

/** Which instance of which account's meeting an action is about. */
export interface InstanceOptions {
  uuid?: string;
  webinar?: boolean;
  /** The account whose meeting it is (its shard, its job ids); default: `default` (`accountOf`). */
  account?: string;
}

/** Where the actions find an account's starts: the queue of its shard. */
export type AccountQueues = Pick<StartQueues, 'forAccount'>;
