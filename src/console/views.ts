import { Eta } from 'eta';
import type { MeetingStatus } from '../status/meeting-status';
import { DETAIL } from './detail-template';
import { ACTION, LAYOUT, LIST, ROWS } from './templates';
import { answerView, clock, rowView, STATES, type PageView } from './view-model';

const eta = new Eta({ autoEscape: true, cache: true, useWith: false });
eta.loadTemplate('@layout', LAYOUT);
eta.loadTemplate('@action', ACTION);
eta.loadTemplate('@list', LIST);
eta.loadTemplate('@rows', ROWS);
eta.loadTemplate('@detail', DETAIL);

export interface PageContext {
  base: string;
  csrf: string;
  user: string;
}

export interface ListInput {
  page: PageView;
  state: string;
  q: string;
  /** The query string of this page (the fragment polls it). */
  self: string;
  now: number;
}

const listData = (ctx: PageContext, input: ListInput) => ({
  ...ctx,
  ...input,
  states: STATES,
  updated: clock(new Date(input.now).toISOString()),
});

export function renderList(ctx: PageContext, input: ListInput): string {
  const body = eta.render('@list', listData(ctx, input));
  return eta.render('@layout', { ...ctx, title: 'Meetings', body });
}

export function renderRows(ctx: PageContext, input: ListInput): string {
  return eta.render('@rows', listData(ctx, input));
}

function detailData(ctx: PageContext, s: MeetingStatus, now: number, canStop: boolean) {
  return {
    ...ctx,
    r: rowView(s, now, canStop),
    attempts: s.attempts,
    confirmation: s.confirmation,
    alerts: s.alerts.map((a) => ({ type: a.type, at: clock(a.at) })),
    earlier: Object.entries(s.earlier ?? {}).map(([decision, count]) => ({ decision, count })),
    history: s.history.map(answerView),
  };
}

export function renderDetail(ctx: PageContext, s: MeetingStatus, now: number, canStop: boolean) {
  const body = eta.render('@detail', detailData(ctx, s, now, canStop));
  return eta.render('@layout', { ...ctx, title: s.topic ?? s.meetingId, body });
}

export function renderDetailFragment(
  ctx: PageContext,
  s: MeetingStatus,
  now: number,
  canStop: boolean,
): string {
  // The fragment is the polled block of the page: the page without its back link.
  const html = eta.render('@detail', detailData(ctx, s, now, canStop));
  return html.slice(html.indexOf('<div'));
}

export function renderFlash(ok: boolean, message: string): string {
  return eta.renderString(
    "<article class=\"<%= it.ok ? 'ok' : 'error' %>\"><%= it.message %></article>",
    { ok, message },
  );
}
