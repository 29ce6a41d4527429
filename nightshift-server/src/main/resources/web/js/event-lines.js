// The platform's events in words, the same sentences the CLI prints (HumanEventPrinter's
// EventLines): "checked out main at 1a2b3c4 on a/5f8442c2", "committed 357f8dc Update README".
// Pure functions of an event's data; an absent field is left out, never shown as JSON.

const SHA = /^[0-9a-f]{7,64}$/;

const abbreviate = (sha) => (sha && SHA.test(sha) ? sha.slice(0, 7) : sha ?? '');
const suffix = (separator, value) => (value === undefined || value === null || value === '' ? '' : `${separator}${value}`);

export function gitLine(data) {
  const error = data.error ?? '';
  switch (data.action) {
    case 'checkout': {
      const head = data.head ?? '';
      if (!data.branch) return head.replace(/^\((.*)\)$/, '$1');
      const sha = head.split(' ')[0];
      return `checked out ${data.base || 'an empty repository'}${suffix(' at ', abbreviate(sha))} on ${data.branch}`;
    }
    case 'commit': return `committed ${abbreviate(data.commit)}${suffix(' ', data.subject)}`;
    case 'push': return error ? `push of ${data.branch} failed: ${error}` : `pushed ${data.branch}${suffix(' at ', abbreviate(data.head))}`;
    case 'pr':
      if (error) return `pull request not opened (${error})`;
      return `pull request${suffix(' #', data.number)} ${data.created ? 'opened' : 'updated'}`;
    case 'publish': return `publishing failed: ${error}`;
    default: return `${data.action ?? ''}${error ? ` failed: ${error}` : ''}`;
  }
}

export function hookLine(data) {
  const lines = (data.output ?? '').trim().split(/\r?\n/);
  const last = suffix(': ', lines[lines.length - 1]);
  if (data.error) return `${data.hook} could not run: ${data.error}`;
  if (data.timedOut) return `${data.hook} timed out${last}`;
  return data.exitCode ? `${data.hook} failed (exit ${data.exitCode})${last}` : `${data.hook} ran`;
}

export const hookFailed = (data) => Boolean(data.error || data.timedOut || data.exitCode);

export function networkLine(data) {
  return `Network ${data.action ?? 'refused'}: ${data.host ?? ''}${suffix(':', data.port)}${data.reason ? ` (${data.reason})` : ''}`;
}
