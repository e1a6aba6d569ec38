import type { Say } from './demo-narration';
import type { CliIo } from './io';

export interface DemoOptions {
  short?: boolean;
  delayMs?: string;
  missedWebhook?: boolean;
  /** Several Zoom accounts in one deployment, one of them in a 429 storm. */
  accounts?: string;
}

/** What every demo shares: where it prints, its working directory, what it tears down. */
export interface DemoRun {
  io: CliIo;
  options: DemoOptions;
  missed: boolean;
  delayMs: number;
  say: Say;
  dir: string;
  cleanups: (() => Promise<unknown>)[];
}
