export interface SandboxUser {
  id: string;
  email: string;
}

/** A meeting the sandbox knows, declared without any webhook. */
export interface SandboxMeeting {
  id: number;
  /** This instance's uuid (what `meeting.started` would carry). */
  uuid: string;
  hostId: string;
  topic: string;
  type: number;
  status: 'live' | 'upcoming' | 'ended';
  startTime: string;
  /** The meeting's own live-stream settings in Zoom (what `GET …/livestream` answers). */
  livestream?: { stream_url: string; stream_key: string; page_url: string; resolution?: string };
}

export type DeclaredMeeting = Partial<SandboxMeeting> & { id: number };

export interface Answer {
  status: number;
  body?: unknown;
  /** Extra response headers (the `X-RateLimit-*` of an account-level 429). */
  headers?: Record<string, string>;
}
