import type { MeetingStatus } from '../status/meeting-status';
import { OVERVIEW_CAP, type Overview } from '../status/overview';
import { renderCharts } from './chart';
import { loadViews } from './view-files';
import { MEETING_STATES } from '../domain/start-progress';
import { answerView, rowView, SOURCES, timeView, type PageView } from './view-model';

const eta = loadViews();

export interface PageContext {
  base: string;
  csrf: string;
  user: string;
  /** The accounts this user may see (in force), for the filter and the trigger form. */
  accounts: readonly string[];
  /** The account the page is filtered to; empty: all of the user's. */
  account: string;
  /** More than one account to tell apart: the list shows an account column and filter. */
  showAccount: boolean;
}

export interface ListInput {
  page: PageView;
  state: string;
  source: string;
  q: string;
  /** The query string of this page (the fragment polls it). */
  self: string;
  now: number;
}

/** The overview as the template reads it: counts to click, attention rows, the charts. */
export interface OverviewInput {
  overview: Overview;
  now: number;
  canStop: boolean;
}

const listData = (ctx: PageContext, input: ListInput) => ({
  ...ctx,
  ...input,
  states: MEETING_STATES,
  sources: SOURCES,
  updated: timeView(input.now),
});

/** Why a row needs a person, beside its state (which already says "failed"). */
const WHY = { credentials: 'credentials rejected', failed: '', 'waiting long': 'waiting long' };

function overviewData(ctx: PageContext, { overview: o, now, canStop }: OverviewInput) {
  const shown = new Set(['waiting', 'failed']);
  // The overview's links keep the account filter of the page.
  const scoped = ctx.account ? `account=${encodeURIComponent(ctx.account)}&` : '';
  return {
    ...ctx,
    scoped,
    counts: MEETING_STATES.map((key) => ({ key, n: o.byState[key] ?? 0 })).filter(
      (c) => c.n > 0 || shown.has(c.key),
    ),
    sources: SOURCES.map((key) => ({ key, n: o.bySource[key] ?? 0 })),
    capped: o.capped,
    cap: OVERVIEW_CAP,
    kept: o.kept,
    attention: o.attention.map((a) => ({
      why: WHY[a.why],
      r: rowView(a.status, now, canStop),
    })),
    attentionTotal: o.attentionTotal,
    charts: renderCharts(o.hours),
  };
}

export function renderList(ctx: PageContext, input: ListInput, overview: OverviewInput): string {
  const body = eta.render('@list', {
    ...listData(ctx, input),
    overview: overviewData(ctx, overview),
  });
  return eta.render('@layout', { ...ctx, title: 'Meetings', body });
}

export const renderRows = (ctx: PageContext, input: ListInput): string =>
  eta.render('@rows', listData(ctx, input));

export const renderOverview = (ctx: PageContext, input: OverviewInput): string =>
  eta.render('@overview', overviewData(ctx, input));

function detailData(ctx: PageContext, s: MeetingStatus, now: number, canStop: boolean) {
  return {
    ...ctx,
    r: rowView(s, now, canStop),
    attempts: s.attempts,
    confirmation: s.confirmation,
    alerts: s.alerts.map((a) => ({ type: a.type, at: timeView(a.at) })),
    earlier: Object.entries(s.earlier ?? {}).map(([decision, count]) => ({ decision, count })),
    history: s.history.map(answerView),
  };
}

export function renderDetail(ctx: PageContext, s: MeetingStatus, now: number, canStop: boolean) {
  const block = eta.render('@detail', detailData(ctx, s, now, canStop));
  const body = eta.render('@detail-page', { base: ctx.base, block });
  return eta.render('@layout', { ...ctx, title: s.topic ?? s.meetingId, body });
}

export function renderDetailFragment(
  ctx: PageContext,
  s: MeetingStatus,
  now: number,
  canStop: boolean,
): string {
  return eta.render('@detail', detailData(ctx, s, now, canStop));
}

/** An action's answer for the flash area: when, and what happened or what to do. */
export function renderFlash(ok: boolean, message: string, now: number, status: number): string {
  return eta.render('@flash', { ok, message, status, at: timeView(now) });
}
