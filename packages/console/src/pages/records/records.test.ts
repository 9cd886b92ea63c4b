import { describe, expect, it } from 'vitest';
import { END_STATUS } from '@openccc/protocol';
import { agentsOf, endStatusNameOf, parseCallRecord, waitsOf, type CallRecord } from './call-record.js';
import { endStatusText } from './end-status-text.js';
import { checkRecordFilters, defaultRecordFilters, describeTelCdrParams, keepsRecord, parseLocalMinute, type RecordQuery } from './record-filters.js';
import { BOM, CSV_COLUMNS, csvCell, csvFileName, recordsToCsv } from './records-csv.js';
import { fetchRecords } from './records-source.js';

const answered = {
  SessionId: 'a1b2c3d4-0000-4000-8000-000000000001',
  Caller: '008613900000001',
  Callee: '008640000001',
  Time: 1_764_662_400,
  Direction: 0,
  CallType: 2,
  Duration: 42,
  StartTimestamp: 1_764_662_400,
  QueuedTimestamp: 1_764_662_410,
  RingTimestamp: 1_764_662_415,
  AcceptTimestamp: 1_764_662_420,
  EndedTimestamp: 1_764_662_462,
  IVRDuration: 10,
  EndStatus: 1,
  EndStatusString: 'ok',
  HungUpSide: 'user',
  SeatUser: { Mail: 'Li.Lei@example.com', Name: 'Li Lei' },
  SkillGroup: '售后, "VIP"',
  SkillGroupId: 3,
  IVRKeyPressedEx: [{ Key: '1', Label: '售后', Timestamp: 1_764_662_405_000, NodeLabel: 'main' }],
  PostIVRKeyPressedEx: [{ Key: '2', Label: '满意', NodeLabel: '满意度调查' }],
  ServeParticipants: [
    { Sequence: 1, Mail: 'han.meimei@example.com', Type: 'staffSeat', EndStatusString: 'ok' },
    { Sequence: 0, Mail: 'li.lei@example.com', Type: 'staffSeat', RingTimestamp: 1_764_662_415, AcceptTimestamp: 1_764_662_420, EndStatusString: 'ok' },
  ],
  RecordId: 'a1b2c3d4-0000-4000-8000-000000000001',
  RecordURL: 'http://127.0.0.1/recordings/v1/1/2025-12-02/a.wav?expires=1&sig=x',
  UUI: '=HYPERLINK("x")',
};

function record(overrides: Record<string, unknown> = {}): CallRecord {
  const parsed = parseCallRecord({ ...answered, ...overrides });
  if (!parsed) throw new Error('not a record');
  return parsed;
}

describe('a call record', () => {
  it('is read from TelCdrInfo, participants in Sequence order, keys and survey kept', () => {
    const r = record();
    expect(r.seatMail).toBe('Li.Lei@example.com');
    expect(r.participants.map((p) => p.mail)).toEqual(['li.lei@example.com', 'han.meimei@example.com']);
    expect(r.ivrKeys).toEqual([{ key: '1', label: '售后', nodeLabel: 'main', timestampMs: 1_764_662_405_000 }]);
    expect(r.surveyKeys[0]).toMatchObject({ key: '2', label: '满意' });
    expect(waitsOf(r)).toEqual({ ivr: 10, queue: 5, ring: 5, talk: 42 });
    expect([...agentsOf(r)]).toEqual(['li.lei@example.com', 'han.meimei@example.com']);
  });

  it('is refused without a SessionId, and tolerates missing or mistyped fields', () => {
    expect(parseCallRecord({ Caller: '1' })).toBeNull();
    expect(parseCallRecord('x')).toBeNull();
    const sparse = parseCallRecord({ SessionId: 's', Duration: 'x', ServeParticipants: 'none', SeatUser: null });
    expect(sparse).toMatchObject({ duration: 0, participants: [], seatMail: '', ivrKeys: [] });
    expect(waitsOf(sparse!)).toEqual({ ivr: 0, queue: null, ring: null, talk: 0 });
  });

  it('gives a queued call abandoned before any ring its time in the queue', () => {
    const r = record({ RingTimestamp: 0, AcceptTimestamp: 0, Duration: 0, EndedTimestamp: 1_764_662_440, EndStatus: 103, EndStatusString: 'waitingGiveUp' });
    expect(waitsOf(r)).toMatchObject({ queue: 30, ring: null });
  });

  it('names its EndStatus from the string, else from the code', () => {
    expect(endStatusNameOf(record({ EndStatusString: '', EndStatus: 206 }))).toBe('busy');
    expect(endStatusNameOf(record({ EndStatusString: '', EndStatus: 999 }))).toBe('999');
  });
});

describe('EndStatus names', () => {
  it('are translated for every name the protocol lists', () => {
    for (const name of Object.keys(END_STATUS)) {
      expect(endStatusText(name, 'zh-CN')).not.toBe(name);
      expect(endStatusText(name, 'en-US')).not.toBe(name);
    }
    expect(endStatusText('somethingNew', 'zh-CN')).toBe('somethingNew');
  });
});

describe('the records filter', () => {
  const form = { from: '2025-12-02T00:00', to: '2025-12-02T23:59', number: '', agent: '', endStatus: '' };

  it('defaults to today, midnight to 23:59', () => {
    expect(defaultRecordFilters(new Date(2025, 11, 2, 15, 30))).toMatchObject({ from: '2025-12-02T00:00', to: '2025-12-02T23:59' });
  });

  it('covers the whole last minute and asks DescribeTelCdr for the number', () => {
    const result = checkRecordFilters({ ...form, number: ' 0086 139 0000 0001 ', agent: ' Li.Lei@Example.com ', endStatus: 'ok' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.query.endSeconds - result.query.startSeconds).toBe(86_399);
    expect(result.query.agent).toBe('li.lei@example.com');
    expect(describeTelCdrParams(result.query, 2)).toEqual({ StartTimeStamp: result.query.startSeconds, EndTimeStamp: result.query.endSeconds, PageSize: 100, PageNumber: 2, Phones: ['0086 139 0000 0001'] });
    expect(describeTelCdrParams({ ...result.query, phone: '' }, 0)).not.toHaveProperty('Phones');
  });

  it('says which field is wrong', () => {
    expect(checkRecordFilters({ ...form, from: '', to: '2025-13-40T00:00' })).toEqual({ ok: false, errors: { from: 'fromMissing', to: 'toInvalid' } });
    expect(checkRecordFilters({ ...form, to: '2025-12-01T23:00' })).toEqual({ ok: false, errors: { to: 'endBeforeStart' } });
    expect(checkRecordFilters({ ...form, number: 'abc' })).toEqual({ ok: false, errors: { number: 'numberInvalid' } });
    expect(checkRecordFilters({ ...form, endStatus: 'finished' })).toEqual({ ok: false, errors: { endStatus: 'endStatusUnknown' } });
  });

  it('reads datetime-local values in local time and refuses impossible dates', () => {
    expect(parseLocalMinute('2025-12-02T08:05')).toBe(new Date(2025, 11, 2, 8, 5).getTime() / 1000);
    expect(parseLocalMinute('2025-02-30T08:05')).toBeNull();
    expect(parseLocalMinute('yesterday')).toBeNull();
  });

  it('keeps records by any agent who took part, and by EndStatus name', () => {
    const query: RecordQuery = { startSeconds: 0, endSeconds: 1, phone: '', agent: 'han.meimei@example.com', endStatus: '' };
    expect(keepsRecord(query, record())).toBe(true);
    expect(keepsRecord({ ...query, agent: 'nobody@example.com' }, record())).toBe(false);
    expect(keepsRecord({ ...query, agent: '', endStatus: 'ok' }, record())).toBe(true);
    expect(keepsRecord({ ...query, agent: '', endStatus: 'busy' }, record())).toBe(false);
  });
});

describe('reading the records', () => {
  const query: RecordQuery = { startSeconds: 100, endSeconds: 200, phone: '', agent: '', endStatus: 'busy' };

  function pages(total: number) {
    const all = Array.from({ length: total }, (_, i) => ({ SessionId: `s${i}`, StartTimestamp: 100 + i, EndStatusString: i % 3 === 0 ? 'busy' : 'ok' }));
    const asked: number[] = [];
    const action = (name: string, params: Record<string, unknown>) => {
      expect(name).toBe('DescribeTelCdr');
      const page = params['PageNumber'] as number;
      asked.push(page);
      return Promise.resolve({ TotalCount: total, TelCdrList: all.slice(page * 100, page * 100 + 100) });
    };
    return { action, asked };
  }

  it('reads every page and filters over all of them, newest first', async () => {
    const { action, asked } = pages(250);
    const result = await fetchRecords(action, query);
    expect(asked).toEqual([0, 1, 2]);
    expect(result.total).toBe(250);
    expect(result.truncated).toBe(false);
    expect(result.records).toHaveLength(84);
    expect(result.records[0]!.sessionId).toBe('s249');
    expect(result.records.every((r) => r.endStatusString === 'busy')).toBe(true);
  });

  it('stops at the limit and says so', async () => {
    const { action, asked } = pages(450);
    const result = await fetchRecords(action, query, { limit: 200 });
    expect(asked).toEqual([0, 1]);
    expect(result.truncated).toBe(true);
  });

  it('passes DescribeTelCdr’s error on', async () => {
    const failure = new Error('the window must be shorter than 90 days');
    await expect(fetchRecords(() => Promise.reject(failure), query)).rejects.toBe(failure);
  });
});

describe('the CSV export', () => {
  it('starts with the BOM, names the columns as TelCdrInfo does, and escapes cells', () => {
    const csv = recordsToCsv([record()]);
    expect(csv.startsWith(BOM)).toBe(true);
    const [header, row, end] = csv.slice(1).split('\r\n');
    expect(header).toBe(CSV_COLUMNS.join(','));
    expect(end).toBe('');
    expect(row).toContain(answered.SessionId);
    expect(row).toContain('"售后, ""VIP"""');
    expect(row).toContain('Li.Lei@example.com');
    expect(row).toContain(`'=HYPERLINK(""x"")`);
    expect(row).toContain('li.lei@example.com|han.meimei@example.com');
    expect(csv).not.toContain('sig=');
  });

  it('leaves numbers alone and neutralises formulas', () => {
    expect(csvCell('-5')).toBe('-5');
    expect(csvCell('+8613900000001')).toBe('+8613900000001');
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('a\nb')).toBe('"a\nb"');
  });

  it('is named for the window', () => {
    const start = new Date(2025, 11, 2).getTime() / 1000;
    expect(csvFileName(start, start + 86_399)).toBe('call-records-20251202.csv');
    expect(csvFileName(start, start + 2 * 86_400)).toBe('call-records-20251202-20251204.csv');
  });
});
