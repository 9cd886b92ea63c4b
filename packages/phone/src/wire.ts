/**
 * The protocol's two constants the page needs. Written out here rather than imported, so the
 * bundle does not carry the protocol package's validators; a test checks they match it.
 */
export const PHONE_PATH = '/phone/v1';
export const PHONE_VERSION = 1;
