// Reads a unified diff in git's format into files and hunks. Pure, so the views stay simple.

/** @returns [{path, oldPath, hunks:[{header, lines:[{kind:'add'|'del'|'ctx'|'note', text, oldNo, newNo}]}]}] */
export function parsePatch(patch) {
  const files = [];
  let file = null;
  let hunk = null;
  let oldNo = 0;
  let newNo = 0;
  for (const line of (patch ?? '').split('\n')) {
    const start = line.match(/^diff --git a\/(.*) b\/(.*)$/);
    if (start) {
      file = { oldPath: start[1], path: start[2], hunks: [] };
      files.push(file);
      hunk = null;
      continue;
    }
    if (!file) continue;
    const header = line.match(/^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$/);
    if (header) {
      oldNo = Number(header[1]);
      newNo = Number(header[2]);
      hunk = { header: line, lines: [] };
      file.hunks.push(hunk);
      continue;
    }
    if (!hunk) {
      const renamedTo = line.match(/^\+\+\+ b\/(.*)$/);
      if (renamedTo) file.path = renamedTo[1];
      continue;
    }
    if (line.startsWith('+')) hunk.lines.push({ kind: 'add', text: line.slice(1), newNo: newNo++ });
    else if (line.startsWith('-')) hunk.lines.push({ kind: 'del', text: line.slice(1), oldNo: oldNo++ });
    else if (line.startsWith(' ')) hunk.lines.push({ kind: 'ctx', text: line.slice(1), oldNo: oldNo++, newNo: newNo++ });
    else if (line.startsWith('\\')) hunk.lines.push({ kind: 'note', text: line });
  }
  return files;
}

/** Pairs a hunk's lines for side-by-side display: deletions beside the additions that replace them. */
export function sideBySide(lines) {
  const rows = [];
  let dels = [];
  let adds = [];
  const flush = () => {
    for (let i = 0; i < Math.max(dels.length, adds.length); i++) rows.push({ left: dels[i] ?? null, right: adds[i] ?? null });
    dels = [];
    adds = [];
  };
  for (const line of lines) {
    if (line.kind === 'del') dels.push(line);
    else if (line.kind === 'add') adds.push(line);
    else {
      flush();
      rows.push({ left: line, right: line });
    }
  }
  flush();
  return rows;
}
