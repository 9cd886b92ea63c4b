/**
 * Compile-time guard: the self-contained public declarations (types/tccc.d.ts)
 * must describe exactly the payloads and codes the protocol package defines.
 * Not part of the bundle; `tsc -p packages/sdk` fails when they drift apart.
 */
import type { CallMethod, LocalCallMethod, SdkErrorCode, SdkStatus, TcccEventPayloads } from '@openccc/protocol';
import type { Tccc, TcccErrorCode, TcccEventMap, TcccStatus } from '../types/tccc.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const eventPayloadsMatch: { [K in keyof TcccEventMap | keyof TcccEventPayloads]: Same<K extends keyof TcccEventMap ? TcccEventMap[K] : never, K extends keyof TcccEventPayloads ? TcccEventPayloads[K] : never> } = {
  ready: true,
  tokenExpired: true,
  callIn: true,
  userAccessed: true,
  autoTransfer: true,
  callOuted: true,
  calloutAccepted: true,
  transfer: true,
  sessionEnded: true,
  statusChanged: true,
  error: true,
  signedOut: true,
};

export const errorCodesMatch: Same<TcccErrorCode, SdkErrorCode> = true;
export const statusesMatch: Same<TcccStatus, SdkStatus> = true;

/** `tccc.Call` has exactly the methods the protocol lists: those the server answers and those the workbench answers. */
export const callMethodsMatch: Same<`Call.${keyof Tccc['Call']}`, CallMethod | LocalCallMethod> = true;
