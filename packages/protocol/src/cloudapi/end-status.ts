/**
 * TCCC's EndStatus codes of a call record (`TelCdrInfo.EndStatus`), by their
 * `EndStatusString`: the ones OpenCCC can produce. See docs/engine.md for when each applies.
 */
export const END_STATUS = {
  ok: 1,
  ivrGiveUp: 102,
  waitingGiveUp: 103,
  ringingGiveUp: 104,
  noSeatOnline: 105,
  notWorkTime: 106,
  ivrEnd: 107,
  notAnswer: 202,
  userReject: 203,
  powerOff: 204,
  numberNotExist: 205,
  busy: 206,
  callerCancel: 209,
  notInService: 210,
  clientError: 211,
  callerCancelWhileRing: 220,
  callerCancelWithoutRing: 221,
  callConflict: 501,
  clientTimeout: 502,
  voipClientError: 503,
} as const;

export type EndStatusString = keyof typeof END_STATUS;
