import type { CallInNumberMetrics, CallInSkillGroupMetrics, CallInMetrics as TcccCallInMetrics } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { cloudError } from '@openccc/protocol';
import { emptyCounts, type CallInCounts } from '../../calls/call-control.js';
import { buildPstnSession, buildPstnSessionInfo } from '../../calls/index.js';
import { withRecordingUrls } from '../../calls/recording-links.js';
import { parseInstanceNumber } from '../../numbers/number-format.js';
import { requireInstance } from '../../staff/instances.js';
import type { ActionHandlers, Services } from '../context.js';
import { callError, control, sessionNotExists } from '../call-errors.js';
import { isPstnSession, pstnSessionOfRecord, sessionDetailOfLive, sessionDetailOfRecord } from '../session-views.js';
import { CDR_LIMITS, checkRecordWindow, checkSpan } from './call-records.js';

type CallActions =
  | 'HangUpCall'
  | 'CreateCallOutSession'
  | 'TransferToManual'
  | 'DescribePSTNActiveSessionList'
  | 'DescribeTelSession'
  | 'DescribeSessionDetail'
  | 'DescribeCallInMetrics'
  | 'DescribeTelCallInfo';

const DAY_SECONDS = 86_400;
/** TCCC: UUI holds at most 1024 bytes. */
const UUI_MAX_BYTES = 1024;
/** Skill groups of type 1 (online chat) take no calls, so their call figures are left out. */
const ONLINE_GROUP_TYPE = 1;
/** Enough for every group or number of an instance in one read. */
const ALL = { limit: 100_000, offset: 0 } as const;

function nowSeconds(services: Services): number {
  return Math.floor(services.clock() / 1000);
}

/** The stored record of an ended session, if its start lies in the window (default: the 180 days records are kept for). */
async function findRecord(services: Services, sdkAppId: number, sessionId: string, window?: { from: number; to: number }) {
  const now = nowSeconds(services);
  const { from, to } = window ?? { from: now - CDR_LIMITS.maxAgeDays * DAY_SECONDS, to: Number.MAX_SAFE_INTEGER };
  const page = await services.store.callRecords.list(sdkAppId, { fromSeconds: from, toSeconds: to, sessionIds: [sessionId], limit: 1, offset: 0 });
  const record = page.items[0];
  return record === undefined ? undefined : withRecordingUrls(record, sdkAppId, services.recordings, services.publicUrl);
}

/** Caller numbers in order of preference, in `0086…` form: `Callers`, else the deprecated `Caller`. */
function callerNumbers(req: { Caller?: string; Callers?: string[] }): string[] {
  const given = req.Callers !== undefined && req.Callers.length > 0 ? req.Callers.map((n, i) => [n, `Callers.${i}`] as const) : req.Caller === undefined ? [] : [[req.Caller, 'Caller'] as const];
  const numbers: string[] = [];
  for (const [number, path] of given) {
    const parsed = parseInstanceNumber(number);
    if (!parsed.ok) throw callError('InvalidParameterValue.PhoneNumInvalid', `\`${path}\`: ${parsed.reason.en}`, `\`${path}\`：${parsed.reason.zh}`);
    if (!numbers.includes(parsed.number)) numbers.push(parsed.number);
  }
  return numbers;
}

function callInMetrics(c: CallInCounts): TcccCallInMetrics {
  return {
    IvrCount: c.ivr,
    QueueCount: c.queued,
    RingCount: c.ringing,
    AcceptCount: c.accepted,
    TransferOuterCount: c.transferOuter,
    MaxQueueDuration: c.maxQueueDuration,
    AvgQueueDuration: c.avgQueueDuration,
    MaxRingDuration: c.maxRingDuration,
    AvgRingDuration: c.avgRingDuration,
    MaxAcceptDuration: c.maxAcceptDuration,
    AvgAcceptDuration: c.avgAcceptDuration,
  };
}

export const callActions = {
  async HangUpCall({ services }, req) {
    await requireInstance(services.store.instances, req.SdkAppId);
    await control('HangUpCall', () => services.calls.hangUp(req.SdkAppId, req.SessionId));
    return {};
  },

  async CreateCallOutSession({ services }, req) {
    await requireInstance(services.store.instances, req.SdkAppId);
    // IsForceUseMobile: TCCC rings the agent's mobile first and accepts only `true`. OpenCCC rings the agent's
    // workbench first whatever the value, so code written for TCCC works unchanged (see docs/cloud-api.md).
    const staff = await services.staff.require(req.SdkAppId, req.UserId);
    const uui = req.UUI ?? req.Uui ?? '';
    if (Buffer.byteLength(uui, 'utf8') > UUI_MAX_BYTES) {
      const field = req.UUI === undefined ? 'Uui' : 'UUI';
      const bytes = Buffer.byteLength(uui, 'utf8');
      throw cloudError('InvalidParameterValue', `\`${field}\` may hold at most ${UUI_MAX_BYTES} bytes (UTF-8), but has ${bytes}.`, `参数 \`${field}\` 最多 ${UUI_MAX_BYTES} 字节（UTF-8），实际为 ${bytes} 字节。`);
    }
    const callers = callerNumbers(req);
    const { sessionId } = await control('CreateCallOutSession', () => services.calls.callOut(req.SdkAppId, { mail: staff.mail, callee: req.Callee, callers, uui }));
    return { SessionId: sessionId };
  },

  async TransferToManual({ services }, req) {
    await requireInstance(services.store.instances, req.SdkAppId);
    const group = await services.store.skillGroups.get(req.SdkAppId, req.SkillGroupId);
    if (group === undefined) {
      throw cloudError('InvalidParameterValue.SkillGroupError', `No skill group ${req.SkillGroupId} exists in instance ${req.SdkAppId}.`, `实例 ${req.SdkAppId} 中不存在技能组 ${req.SkillGroupId}。`);
    }
    await control('TransferToManual', () => services.calls.transferToGroup(req.SdkAppId, req.SessionId, req.SkillGroupId));
    return {};
  },

  async DescribePSTNActiveSessionList({ services }, req) {
    await requireInstance(services.store.instances, req.SdkAppId);
    const sessions = services.calls.live(req.SdkAppId).filter(isPstnSession);
    return { Total: sessions.length, Sessions: sessions.slice(req.Offset, req.Offset + req.Limit).map(buildPstnSessionInfo) };
  },

  async DescribeTelSession({ services }, req) {
    await requireInstance(services.store.instances, req.SdkAppId);
    const live = services.calls.find(req.SdkAppId, req.SessionId);
    if (live !== undefined) return { Session: buildPstnSession(live) };
    const record = await findRecord(services, req.SdkAppId, req.SessionId);
    if (record === undefined) throw sessionNotExists(req.SessionId);
    return { Session: pstnSessionOfRecord(record) };
  },

  async DescribeSessionDetail({ services }, req) {
    await requireInstance(services.store.instances, req.SdkAppId);
    checkRecordWindow(req.StartTimestamp, req.EndTimestamp, nowSeconds(services), { start: 'StartTimestamp', end: 'EndTimestamp' });
    const record = await findRecord(services, req.SdkAppId, req.SessionId, { from: req.StartTimestamp, to: req.EndTimestamp });
    if (record !== undefined) return sessionDetailOfRecord(record);
    const live = services.calls.find(req.SdkAppId, req.SessionId);
    const started = live === undefined ? -1 : Math.floor(live.createdAt / 1000);
    if (live === undefined || started < req.StartTimestamp || started > req.EndTimestamp) throw sessionNotExists(req.SessionId);
    return sessionDetailOfLive(live);
  },

  async DescribeCallInMetrics({ services }, req) {
    await requireInstance(services.store.instances, req.SdkAppId);
    const metrics = services.calls.metrics(req.SdkAppId);
    const wanted = req.GroupIdList === undefined ? null : new Set(req.GroupIdList);
    const SkillGroupMetrics: CallInSkillGroupMetrics[] = [];
    if (req.EnabledSkillGroup ?? true) {
      // Every call-taking group of the instance, with zeros where the engine has nothing to report.
      const live = new Map(metrics.groups.map((g) => [g.groupId, g]));
      const groups = new Map<number, string>();
      for (const g of (await services.store.skillGroups.list(req.SdkAppId, ALL)).items) if (g.type !== ONLINE_GROUP_TYPE) groups.set(g.id, g.name);
      for (const g of metrics.groups) if (!groups.has(g.groupId)) groups.set(g.groupId, g.groupName);
      for (const [id, name] of [...groups].sort(([a], [b]) => a - b)) {
        if (wanted !== null && !wanted.has(id)) continue;
        const figures = live.get(id);
        SkillGroupMetrics.push({ SkillGroupId: id, Name: name, Metrics: callInMetrics(figures ?? emptyCounts()) });
      }
    }
    const NumberMetrics: CallInNumberMetrics[] = [];
    if (req.EnabledNumber ?? false) {
      const live = new Map(metrics.numbers.map((n) => [n.number, n]));
      const numbers = new Set((await services.store.numbers.list(req.SdkAppId, ALL)).items.filter((n) => n.state === 'enabled').map((n) => n.number));
      for (const n of metrics.numbers) numbers.add(n.number);
      for (const number of [...numbers].sort()) {
        const figures = live.get(number);
        // The engine gives no per-number breakdown by skill group.
        NumberMetrics.push({ Number: number, Metrics: callInMetrics(figures ?? emptyCounts()), SkillGroupMetrics: [] });
      }
    }
    return {
      // An engine that has not measured yet (or none) reports 0: the figures are then as of now.
      Timestamp: metrics.timestamp > 0 ? metrics.timestamp : nowSeconds(services),
      TotalMetrics: callInMetrics(metrics.total),
      NumberMetrics,
      SkillGroupMetrics,
    };
  },

  async DescribeTelCallInfo({ services }, req) {
    checkSpan(req.StartTimeStamp, req.EndTimeStamp);
    const sdkAppIds = [...new Set(req.SdkAppIdList)];
    for (const sdkAppId of sdkAppIds) await requireInstance(services.store.instances, sdkAppId);
    const usage = await services.store.callRecords.usage(sdkAppIds, req.StartTimeStamp, req.EndTimeStamp);
    const minutes = (...types: number[]) => types.reduce((sum, type) => sum + (usage.minutesByCallType.get(type) ?? 0), 0);
    const voip = minutes(3);
    return {
      TelCallOutCount: minutes(1, 5),
      TelCallInCount: minutes(2),
      SeatUsedCount: usage.seats,
      // VoipCallInCount is the deprecated spelling of VOIPCallInCount; older clients read it.
      VoipCallInCount: voip,
      VOIPCallInCount: voip,
      // OpenCCC transcribes nothing.
      AsrOfflineCount: 0,
      AsrRealtimeCount: 0,
    };
  },
} satisfies Pick<ActionHandlers, CallActions>;
