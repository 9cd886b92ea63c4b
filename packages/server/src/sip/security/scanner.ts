/**
 * User-Agent strings of SIP scanners and password crackers (sipvicious' svmap/svwar/svcrack send
 * `friendly-scanner`), as Kamailio's default configuration drops them. Dropping them only cuts
 * noise; it is not an access control, since any scanner can change its User-Agent. `sipsak`, a
 * diagnostic tool administrators use, is deliberately not listed.
 */
const SCANNER_USER_AGENT = /friendly-scanner|sipvicious|\bsipcli\b|vaxsipuseragent|pplsip|sundayddr|\biwar\b/i;

/** Whether a request's User-Agent names a known scanner. */
export function isScannerUserAgent(ua: string | undefined): boolean {
  return ua !== undefined && SCANNER_USER_AGENT.test(ua);
}
