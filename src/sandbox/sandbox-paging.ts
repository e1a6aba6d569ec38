import type { Answer } from './directory-types';

/**
 * One page of `list` as Zoom pages its lists: `page_size` items from the offset the
 * `next_page_token` names (a token of another list is a 400), under the key's name.
 */
export function pageOf<T>(list: readonly T[], key: string, query: URLSearchParams): Answer {
  const size = Number(query.get('page_size') ?? 30);
  const token = query.get('next_page_token') ?? '';
  let offset = 0;
  if (token) {
    const [k, o] = Buffer.from(token, 'base64url').toString().split(':');
    if (k !== key || !/^\d+$/.test(o ?? ''))
      return { status: 400, body: { code: 300, message: 'Invalid next_page_token.' } };
    offset = Number(o);
  }
  const items = list.slice(offset, offset + size);
  const more = offset + size < list.length;
  return {
    status: 200,
    body: {
      page_count: Math.max(1, Math.ceil(list.length / size)),
      page_number: Math.floor(offset / size) + 1,
      page_size: size,
      total_records: list.length,
      next_page_token: more ? Buffer.from(`${key}:${offset + size}`).toString('base64url') : '',
      [key.split('@')[0]!]: items,
    },
  };
}
