import { cloudError } from '@openccc/protocol';
import { tcccNumber } from '../../calls/index.js';
import { withRecordingUrls } from '../../calls/recording-links.js';
import { parseInstanceNumber } from '../../numbers/number-format.js';
import { requireInstance } from '../../staff/instances.js';
import type { ActionHandlers } from '../context.js';

const DAY_SECONDS = 86_400;
/** TCCC: records of the last 180 days, in windows shorter than 90 days. */
export const CDR_LIMITS = { maxAgeDays: 180, maxSpanDays: 90 } as const;

/** Every form a phone in the filter may have been recorded in: as given, TCCC's 0086 form, and OpenCCC's number form. */
function phoneForms(phones: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const phone of phones) {
    forms.add(phone.trim());
    forms.add(tcccNumber(phone));
    const parsed = parseInstanceNumber(phone);
    if (parsed.ok) forms.add(parsed.number);
  }
  return [...forms];
}

/** The names a window's two ends have in a request (TCCC spells them differently from one action to another). */
export interface WindowNames {
  start: string;
  end: string;
}

const CDR_WINDOW: WindowNames = { start: 'StartTimeStamp', end: 'EndTimeStamp' };

/** TCCC's rules for a window over call records: the end not before the start, shorter than 90 days, starting at most 180 days ago. */
export function checkRecordWindow(start: number, end: number, nowSeconds: number, names: WindowNames = CDR_WINDOW): void {
  checkSpan(start, end, names);
  const oldest = nowSeconds - CDR_LIMITS.maxAgeDays * DAY_SECONDS;
  if (start < oldest) {
    throw cloudError(
      'InvalidParameterValue',
      `${names.start} ${start} is more than ${CDR_LIMITS.maxAgeDays} days ago; the earliest allowed now is ${oldest}. Timestamps are unix seconds.`,
      `${names.start} ${start} 早于 ${CDR_LIMITS.maxAgeDays} 天前，当前最早可查 ${oldest}（Unix 秒级时间戳）。`,
    );
  }
}

/** The end not before the start, and the window shorter than 90 days. */
export function checkSpan(start: number, end: number, names: WindowNames = CDR_WINDOW): void {
  if (end < start) {
    throw cloudError('InvalidParameterValue', `${names.end} (${end}) is before ${names.start} (${start}).`, `${names.end}（${end}）早于 ${names.start}（${start}）。`);
  }
  if (end - start >= CDR_LIMITS.maxSpanDays * DAY_SECONDS) {
    const days = ((end - start) / DAY_SECONDS).toFixed(1);
    throw cloudError(
      'InvalidParameterValue',
      `${names.end} − ${names.start} spans ${days} days; it must be less than ${CDR_LIMITS.maxSpanDays} days. Query a longer period in several windows.`,
      `${names.end} 与 ${names.start} 相差 ${days} 天，应小于 ${CDR_LIMITS.maxSpanDays} 天，请分段查询。`,
    );
  }
}

export const callRecordActions = {
  async DescribeTelCdr({ services }, req) {
    await requireInstance(services.store.instances, req.SdkAppId);
    checkRecordWindow(req.StartTimeStamp, req.EndTimeStamp, Math.floor(services.clock() / 1000));
    const page = await services.store.callRecords.list(req.SdkAppId, {
      fromSeconds: req.StartTimeStamp,
      toSeconds: req.EndTimeStamp,
      phones: req.Phones && phoneForms(req.Phones),
      sessionIds: req.SessionIds,
      limit: req.PageSize,
      offset: req.PageNumber * req.PageSize,
    });
    // Stored records hold no links: each recording gets a link signed now.
    const items = page.items.map((record) => withRecordingUrls(record, req.SdkAppId, services.recordings, services.publicUrl));
    // TelCdrs is the deprecated name of the same list; older clients read it.
    return { TotalCount: page.total, TelCdrList: items, TelCdrs: items };
  },
} satisfies Pick<ActionHandlers, 'DescribeTelCdr'>;
