/**
 * The account a deployment uses when it has no accounts file: the `ZOOM_*` variables form it, and
 * every job stored before accounts existed (no `account` field) belongs to it.
 */
export const DEFAULT_ACCOUNT = 'default';

/** 1–32 of `a-z`, `0-9` and `-`: an account name appears in URLs, logs, Redis keys and metrics. */
export const ACCOUNT_NAME = /^[a-z0-9-]{1,32}$/;

export const isAccountName = (name: string): boolean => ACCOUNT_NAME.test(name);

/** The account a start belongs to; jobs queued before accounts existed belong to the default. */
export const accountOf = (data: { account?: string | undefined }): string =>
  data.account ?? DEFAULT_ACCOUNT;
