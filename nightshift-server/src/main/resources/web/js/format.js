// Small, pure formatting helpers shared by the views.

export function relativeTime(iso, now = Date.now()) {
  if (!iso) return '';
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return new Date(iso).toLocaleDateString();
}

/** How soon a future time is, to a glance's precision: "in 5 min", "in 3 h", "in 2 days". */
export function timeUntil(iso, now = Date.now()) {
  if (!iso) return '';
  const minutes = Math.round((new Date(iso).getTime() - now) / 60000);
  if (minutes < 1) return 'now';
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.round(hours / 24)} days`;
}

/** The last part of a repository path or URL: what people call it. */
export function repositoryName(repository) {
  if (!repository) return '';
  const trimmed = repository.replace(/\/+$/, '').replace(/\.git$/, '');
  return trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf(':')) + 1) || trimmed;
}

export function sessionTitle(session) {
  return session.title || repositoryName(session.repository) || session.id;
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

export function initials(login) {
  return (login ?? '?').replace(/[^A-Za-z0-9]/g, '').slice(0, 2).toUpperCase() || '?';
}

/** Parses JSON that a tool call carries as a string; a malformed one is shown as it is. */
export function parseArguments(raw) {
  if (raw == null || raw === '') return {};
  if (typeof raw === 'object') return raw;
  try {
    const value = JSON.parse(raw);
    return value && typeof value === 'object' ? value : { value };
  } catch {
    return { raw };
  }
}
