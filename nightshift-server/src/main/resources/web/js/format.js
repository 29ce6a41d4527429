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

/** A file's size as people read it: "812 bytes", "12.3 KB", "4.0 MB" (the CLI says it the same way). */
export function fileSize(bytes) {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A file's kind at a glance, from its name: "md", "json", "txt". */
export function extension(name) {
  const dot = (name ?? '').lastIndexOf('.');
  return dot > 0 && name.length - dot <= 5 ? name.slice(dot + 1) : 'txt';
}
