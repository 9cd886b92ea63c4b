import type { EndStatusString } from '@openccc/protocol';
import type { Language } from '../../i18n.js';
import { isEndStatusName } from './call-record.js';

/** Every EndStatus name the protocol lists, in both languages: a missing one fails to compile. */
const END_STATUS_TEXT: Record<Language, Record<EndStatusString, string>> = {
  'zh-CN': {
    ok: '正常结束',
    ivrGiveUp: 'IVR 期间用户放弃',
    waitingGiveUp: '排队时用户放弃',
    ringingGiveUp: '振铃时用户放弃',
    noSeatOnline: '无座席在线',
    notWorkTime: '非工作时间',
    ivrEnd: 'IVR 结束',
    notAnswer: '未接听',
    userReject: '用户拒接',
    powerOff: '关机',
    numberNotExist: '空号',
    busy: '占线',
    callerCancel: '主叫取消',
    notInService: '无法接通',
    clientError: '座席侧异常',
    callerCancelWhileRing: '振铃时主叫取消',
    callerCancelWithoutRing: '未振铃主叫取消',
    callConflict: '呼叫冲突',
    clientTimeout: '客户端超时',
    voipClientError: 'VoIP 客户端异常',
  },
  'en-US': {
    ok: 'Completed',
    ivrGiveUp: 'Abandoned in IVR',
    waitingGiveUp: 'Abandoned in queue',
    ringingGiveUp: 'Abandoned while ringing',
    noSeatOnline: 'No agent online',
    notWorkTime: 'Outside working hours',
    ivrEnd: 'Ended in IVR',
    notAnswer: 'Not answered',
    userReject: 'Rejected',
    powerOff: 'Phone off',
    numberNotExist: 'Number does not exist',
    busy: 'Busy',
    callerCancel: 'Caller cancelled',
    notInService: 'Unreachable',
    clientError: 'Agent-side failure',
    callerCancelWhileRing: 'Caller cancelled while ringing',
    callerCancelWithoutRing: 'Caller cancelled before ringing',
    callConflict: 'Call conflict',
    clientTimeout: 'Client timed out',
    voipClientError: 'VoIP client failure',
  },
};

/** An EndStatus name in the user's language; a name outside the list is shown as it is. */
export function endStatusText(name: string, lang: Language): string {
  return isEndStatusName(name) ? END_STATUS_TEXT[lang][name] : name;
}
