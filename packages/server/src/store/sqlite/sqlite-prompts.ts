import type Database from 'better-sqlite3';
import { prepared } from './statements.js';
import type { IvrPrompt, IvrPromptQuery, IvrPromptRepo, NewIvrPrompt } from '../ports.js';
import type { WriteFn } from './sqlite-store.js';

interface PromptRow {
  id: number;
  sdk_app_id: number;
  custom_name: string;
  file_name: string;
  stored_file: string;
  format_tag: number;
  sample_rate: number;
  duration_ms: number;
  bytes: number;
  created_at: number;
}

function toPrompt(row: PromptRow): IvrPrompt {
  return {
    id: row.id,
    sdkAppId: row.sdk_app_id,
    customName: row.custom_name,
    fileName: row.file_name,
    storedFile: row.stored_file,
    formatTag: row.format_tag,
    sampleRate: row.sample_rate,
    durationMs: row.duration_ms,
    bytes: row.bytes,
    createdAt: row.created_at,
  };
}

export class SqlitePrompts implements IvrPromptRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly write: WriteFn,
  ) {}

  add(p: NewIvrPrompt): Promise<number> {
    return this.write(() =>
      Number(
        prepared(
          this.db,
          `INSERT INTO ivr_prompts (sdk_app_id, custom_name, file_name, stored_file, format_tag, sample_rate, duration_ms, bytes, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(p.sdkAppId, p.customName, p.fileName, p.storedFile, p.formatTag, p.sampleRate, p.durationMs, p.bytes, p.createdAt).lastInsertRowid,
      ),
    );
  }

  list(sdkAppId: number, q: IvrPromptQuery): Promise<{ total: number; items: IvrPrompt[] }> {
    const where = ['sdk_app_id = @sdkAppId'];
    const params: Record<string, unknown> = { sdkAppId };
    if (q.customNames !== undefined) {
      where.push('custom_name IN (SELECT value FROM json_each(@customNames))');
      params['customNames'] = JSON.stringify(q.customNames);
    }
    if (q.fileNames !== undefined) {
      where.push('file_name IN (SELECT value FROM json_each(@fileNames))');
      params['fileNames'] = JSON.stringify(q.fileNames);
    }
    if (q.ids !== undefined) {
      where.push('id IN (SELECT value FROM json_each(@ids))');
      params['ids'] = JSON.stringify(q.ids);
    }
    const clause = where.join(' AND ');
    const total = (prepared(this.db, `SELECT count(*) AS n FROM ivr_prompts WHERE ${clause}`).get(params) as { n: number }).n;
    const rows = prepared<Record<string, unknown>, PromptRow>(this.db, `SELECT * FROM ivr_prompts WHERE ${clause} ORDER BY id LIMIT @limit OFFSET @offset`).all({
      ...params,
      limit: q.limit,
      offset: q.offset,
    });
    return Promise.resolve({ total, items: rows.map(toPrompt) });
  }
}
