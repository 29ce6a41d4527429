// What this browser has seen of each session: the last sequence number shown on screen. A session
// whose log has moved past it has something new (the sidebar's unread marker).

const KEY = 'nightshift.seen';

function read() {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}');
  } catch {
    return {};
  }
}

export function markSeen(sessionId, seq) {
  const seen = read();
  if ((seen[sessionId] ?? 0) >= seq) return false;
  seen[sessionId] = seq;
  localStorage.setItem(KEY, JSON.stringify(seen));
  return true;
}

export function isUnread(session) {
  return session.lastSeq > (read()[session.id] ?? 0);
}
