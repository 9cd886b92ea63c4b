import { describe, expect, it } from 'vitest';
import { batches, parseCsv, readStaffImport, toCsv } from './csv.js';

describe('staff CSV', () => {
  it('parses quotes, doubled quotes, CRLF, a BOM and blank lines', () => {
    expect(parseCsv('\uFEFFa,"b,1","say ""hi"""\r\n\r\nc,"line\nbreak",\n')).toEqual([
      ['a', 'b,1', 'say "hi"'],
      ['c', 'line\nbreak', ''],
    ]);
    expect(() => parseCsv('a,"open\n')).toThrow('unterminated-quote');
  });

  it('writes a BOM, quotes what needs it and defuses spreadsheet formulas', () => {
    expect(toCsv([['姓名', 'a,b'], ['=1+1', 'x"y']])).toBe('\uFEFF姓名,"a,b"\r\n"\'=1+1","x""y"\r\n');
  });

  it('reads rows by English or Chinese headers and reports each bad row with its line', () => {
    const text = [
      '姓名,邮箱,工号,角色,技能组,extensionNumber,colour',
      '李雷,lilei@example.com,1001,坐席,Support;Sales,8001,red',
      ',nobody@example.com,,,,,',
      'Bad,not-a-mail,,,,,',
      'Twice,lilei@example.com,,,,,',
      'Boss,boss@example.com,,admin,,,',
      'Who,who@example.com,,wizard,,,',
    ].join('\n');
    const parsed = readStaffImport(text);
    expect(parsed.fileProblem).toBeNull();
    expect(parsed.unknownColumns).toEqual(['colour']);
    expect(parsed.rows).toEqual([
      { line: 2, name: '李雷', mail: 'lilei@example.com', staffNumber: '1001', phone: '', nick: '', role: 3, skillGroups: ['Support', 'Sales'], extensionNumber: '8001' },
      { line: 6, name: 'Boss', mail: 'boss@example.com', staffNumber: '', phone: '', nick: '', role: 1, skillGroups: [], extensionNumber: '' },
    ]);
    expect(parsed.problems).toEqual([
      { line: 3, mail: 'nobody@example.com', problem: 'name-missing' },
      { line: 4, mail: 'not-a-mail', problem: 'mail-invalid' },
      { line: 5, mail: 'lilei@example.com', problem: 'mail-duplicate' },
      { line: 7, mail: 'who@example.com', problem: 'role-invalid' },
    ]);
  });

  it('names what is wrong with a file as a whole', () => {
    expect(readStaffImport('').fileProblem).toBe('empty');
    expect(readStaffImport('name,mail\n').fileProblem).toBe('empty');
    expect(readStaffImport('name,phone\nA,1\n').fileProblem).toBe('no-mail-column');
    expect(readStaffImport('mail\na@b.c\n').fileProblem).toBe('no-name-column');
  });

  it('splits into batches of the CreateStaff limit', () => {
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batches([], 10)).toEqual([]);
  });
});
