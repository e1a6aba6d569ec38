import type { RequestHandler } from 'express';

const CDN_FONTS = /<link\b[^>]*\bhref="https:\/\/fonts\.googleapis\.com\/[^"]*"[^>]*>/g;

/**
 * Bull Board's page links Google's font CDN and has no option to leave it out; this drops that
 * link from the HTML it sends, so the board loads nothing from elsewhere and uses system fonts.
 */
export const withoutCdnFonts: RequestHandler = (_req, res, next) => {
  const send = res.send.bind(res);
  res.send = ((body?: unknown) =>
    send(typeof body === 'string' ? body.replace(CDN_FONTS, '') : body)) as typeof res.send;
  next();
};
