// Command-line options shared by the benchmarks.

/**
 * The parts named by `--only a,b` (or `--only=a,b`) in `argv`, in the order of `parts`; `defaults`
 * without the option. Exits with status 2 on an empty or unknown part.
 */
export function parseOnly(argv, parts, defaults = parts) {
  const i = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  if (i < 0) return defaults;
  const value = argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
  const chosen = (value ?? '').split(',').filter(Boolean);
  const unknown = chosen.filter((p) => !parts.includes(p));
  if (chosen.length === 0 || unknown.length > 0) {
    console.error(`--only takes ${parts.join(', ')} (comma-separated)${unknown.length ? `, not ${unknown.join(', ')}` : ''}`);
    process.exit(2);
  }
  return parts.filter((p) => chosen.includes(p));
}
