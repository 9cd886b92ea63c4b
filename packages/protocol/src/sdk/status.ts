/**
 * Agent status vocabularies. The Cloud API and the server speak `ServerStatus`;
 * `window.tccc` speaks TCCC's SDK words (`arrange` for after-call work).
 */
export const SERVER_STATUSES = ['free', 'busy', 'rest', 'notReady', 'afterCallWork', 'offline'] as const;
export type ServerStatus = (typeof SERVER_STATUSES)[number];

export const SDK_STATUSES = ['free', 'busy', 'rest', 'notReady', 'arrange', 'offline'] as const;
export type SdkStatus = (typeof SDK_STATUSES)[number];

/** What `tccc.Agent.setStatus({status})` accepts. `stopNotReady` leaves notReady for free. */
export const SETTABLE_SDK_STATUSES = ['free', 'rest', 'arrange', 'notReady', 'stopNotReady'] as const;
export type SettableSdkStatus = (typeof SETTABLE_SDK_STATUSES)[number];

export function toSdkStatus(status: ServerStatus): SdkStatus {
  return status === 'afterCallWork' ? 'arrange' : status;
}

/** The server status a requested SDK status means. */
export function fromSettableSdkStatus(status: SettableSdkStatus): Exclude<ServerStatus, 'busy' | 'offline'> {
  switch (status) {
    case 'arrange':
      return 'afterCallWork';
    case 'stopNotReady':
      return 'free';
    default:
      return status;
  }
}
