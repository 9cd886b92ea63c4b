import { CloudApiError, cloudError, type CloudApiErrorCode } from '@openccc/protocol';
import { CallControlError } from '../calls/call-control.js';

/** A Cloud API error of the call actions. */
export function callError(code: CloudApiErrorCode, en: string, zh: string): CloudApiError {
  return new CloudApiError(code, { en, zh });
}

export function sessionNotExists(sessionId: string): CloudApiError {
  return callError('FailedOperation.SessionNotExists', `No session ${sessionId} exists in this instance, or it has ended.`, `该实例中不存在会话 ${sessionId}，或会话已结束。`);
}

/** What a refused control answers, by the engine's reason. Other errors are passed on unchanged. */
export function fromCallControl(error: unknown, action: string): unknown {
  if (!(error instanceof CallControlError)) return error;
  const reason = error.message;
  switch (error.code) {
    case 'sessionNotFound':
      return callError('FailedOperation.SessionNotExists', `The session does not exist or has ended: ${reason}`, `会话不存在或已结束：${reason}`);
    case 'notInControlState':
      return callError('FailedOperation.SessionNotInControlState', `The session cannot be controlled in its current state: ${reason}`, `会话当前状态不允许该操作：${reason}`);
    case 'agentNotFound':
      return cloudError('InvalidParameterValue.AccountNotExist', `The agent does not exist: ${reason}`, `座席账号不存在：${reason}`);
    case 'agentBusy':
      return cloudError('FailedOperation.SeatStatusBusy', `The agent is busy: ${reason}`, `座席忙碌：${reason}`);
    case 'agentOffline':
      return callError('FailedOperation.CallOutFailed', `The agent is not signed in to a workbench, so the call cannot start: ${reason}`, `座席未登录工作台，无法发起呼叫：${reason}`);
    case 'noCallerNumber':
      return callError('FailedOperation.NoCallOutNumber', `No caller number can be used for this call: ${reason}`, `没有可用于本次呼叫的外呼号码：${reason}`);
    case 'invalidNumber':
      return callError('InvalidParameterValue.PhoneNumInvalid', `The phone number cannot be used: ${reason}`, `号码不可用：${reason}`);
    case 'groupNotFound':
      return cloudError('InvalidParameterValue.SkillGroupError', `The skill group does not exist: ${reason}`, `技能组不存在：${reason}`);
    case 'unavailable':
      return cloudError(
        'UnsupportedOperation',
        `${action} needs the call engine, and this OpenCCC server runs none.`,
        `${action} 需要呼叫引擎，而本 OpenCCC 服务未运行呼叫引擎。`,
      );
  }
}

/** Runs a control of the engine, turning its refusals into Cloud API errors. */
export async function control<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw fromCallControl(error, action);
  }
}
