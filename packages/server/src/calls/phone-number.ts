/**
 * A number in TCCC's form: China's country code as `0086`. `+86…` and bare
 * 11-digit mainland mobile numbers gain the prefix; anything else (already
 * `0086…`, other countries' `00…`, virtual numbers) passes unchanged.
 */
export function tcccNumber(number: string): string {
  const trimmed = number.trim();
  if (trimmed.startsWith('+')) return `00${trimmed.slice(1)}`;
  if (/^1\d{10}$/.test(trimmed)) return `0086${trimmed}`;
  return trimmed;
}
