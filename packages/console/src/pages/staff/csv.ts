/**
 * CSV for staff import and export: RFC 4180 (quotes, doubled quotes, CRLF or LF, a UTF-8 BOM),
 * one header row. Export writes a BOM so that Excel reads Chinese names correctly.
 */

/** The columns, in export order; import accepts these English keys or the Chinese headers. */
export const STAFF_COLUMNS = [
  { key: 'name', zh: '姓名' },
  { key: 'mail', zh: '邮箱' },
  { key: 'staffNumber', zh: '工号' },
  { key: 'phone', zh: '手机号' },
  { key: 'nick', zh: '昵称' },
  { key: 'role', zh: '角色' },
  { key: 'skillGroups', zh: '技能组' },
  { key: 'extensionNumber', zh: '分机号' },
] as const;

export type StaffColumn = (typeof STAFF_COLUMNS)[number]['key'];

/** Parses CSV text into rows of cells. Throws on an unterminated quote. */
export function parseCsv(text: string): string[][] {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (source[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else cell += ch;
      i++;
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      if (ch === '\r' && source[i + 1] === '\n') i++;
    } else cell += ch;
    i++;
  }
  if (quoted) throw new Error('unterminated-quote');
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  // Blank lines (a lone empty cell) are not rows.
  return rows.filter((r) => !(r.length === 1 && r[0]?.trim() === ''));
}

function quote(value: string): string {
  // A leading =, +, - or @ would make a spreadsheet run a formula.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== value ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV text with a BOM and CRLF line ends, as Excel expects. */
export function toCsv(rows: ReadonlyArray<readonly string[]>): string {
  return `\uFEFF${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`;
}

/** Which column each header names; unknown headers are reported, not guessed. */
export function mapHeader(header: readonly string[]): { columns: Array<StaffColumn | null>; unknown: string[] } {
  const unknown: string[] = [];
  const columns = header.map((raw) => {
    const name = raw.trim();
    const found = STAFF_COLUMNS.find((c) => c.key.toLowerCase() === name.toLowerCase() || c.zh === name);
    if (!found && name) unknown.push(name);
    return found ? found.key : null;
  });
  return { columns, unknown };
}

/** One staff row of an import file, as CreateStaff takes it. */
export interface ImportRow {
  /** The line in the file (the header is line 1). */
  line: number;
  name: string;
  mail: string;
  staffNumber: string;
  phone: string;
  nick: string;
  role: number;
  skillGroups: string[];
  extensionNumber: string;
}

export type RowProblem = 'name-missing' | 'mail-missing' | 'mail-invalid' | 'mail-duplicate' | 'role-invalid' | 'too-long';

export interface ParsedImport {
  rows: ImportRow[];
  problems: Array<{ line: number; mail: string; problem: RowProblem }>;
  /** Problems with the file as a whole. */
  fileProblem: 'empty' | 'no-mail-column' | 'no-name-column' | 'unterminated-quote' | null;
  unknownColumns: string[];
}

const MAIL = /^[!-?A-~]+@[!-?A-~]+$/;
const ROLE_WORDS: Record<string, number> = { '1': 1, '2': 2, '3': 3, admin: 1, administrator: 1, qa: 2, agent: 3, 管理员: 1, 质检员: 2, 质检: 2, 坐席: 3 };

/** Reads an import file: each row is either ready for CreateStaff or has a problem. */
export function readStaffImport(text: string): ParsedImport {
  let cells: string[][];
  try {
    cells = parseCsv(text);
  } catch {
    return { rows: [], problems: [], fileProblem: 'unterminated-quote', unknownColumns: [] };
  }
  const [header, ...body] = cells;
  if (!header || body.length === 0) return { rows: [], problems: [], fileProblem: 'empty', unknownColumns: [] };
  const { columns, unknown } = mapHeader(header);
  if (!columns.includes('mail')) return { rows: [], problems: [], fileProblem: 'no-mail-column', unknownColumns: unknown };
  if (!columns.includes('name')) return { rows: [], problems: [], fileProblem: 'no-name-column', unknownColumns: unknown };
  const rows: ImportRow[] = [];
  const problems: ParsedImport['problems'] = [];
  const seen = new Set<string>();
  body.forEach((cellsOfRow, index) => {
    const line = index + 2;
    const value = (key: StaffColumn) => {
      const at = columns.indexOf(key);
      return at < 0 ? '' : (cellsOfRow[at] ?? '').trim();
    };
    const mail = value('mail');
    const name = value('name');
    const roleText = value('role').toLowerCase();
    const role = roleText === '' ? 3 : ROLE_WORDS[roleText];
    let problem: RowProblem | null = null;
    if (!mail) problem = 'mail-missing';
    else if (!MAIL.test(mail) || mail.length > 128) problem = 'mail-invalid';
    else if (seen.has(mail.toLowerCase())) problem = 'mail-duplicate';
    else if (!name) problem = 'name-missing';
    else if (role === undefined) problem = 'role-invalid';
    else if (name.length > 128 || value('staffNumber').length > 64 || value('phone').length > 32 || value('nick').length > 128 || value('extensionNumber').length > 32) problem = 'too-long';
    if (mail) seen.add(mail.toLowerCase());
    if (problem || role === undefined) {
      problems.push({ line, mail, problem: problem ?? 'role-invalid' });
      return;
    }
    rows.push({
      line,
      name,
      mail,
      staffNumber: value('staffNumber'),
      phone: value('phone'),
      nick: value('nick'),
      role,
      skillGroups: value('skillGroups')
        .split(/[;；|]/)
        .map((s) => s.trim())
        .filter(Boolean),
      extensionNumber: value('extensionNumber'),
    });
  });
  return { rows, problems, fileProblem: null, unknownColumns: unknown };
}

/** Splits a list into batches of at most `size` (CreateStaff takes 10 staff at a time). */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
