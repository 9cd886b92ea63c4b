import { format, type Language } from '../../i18n.js';
import { dashboardText } from './dashboard-text.js';
import type { MinuteBucket } from '@openccc/protocol';

const WIDTH = 600;
const HEIGHT = 150;
const LEFT = 30;
const BOTTOM = 20;
const TOP = 8;
const SERIES = ['answered', 'abandoned', 'outbound'] as const;

/** The smallest of 4, 5, 10, 20, 50, 100… that is at least `value`: the top of the y axis. */
export function axisTop(value: number): number {
  if (value <= 4) return 4;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function clock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/**
 * Calls per minute over the last hour, as stacked bars (answered, abandoned, outbound) in plain
 * SVG: sixty bars need no charting library. Each bar has its figures as a tooltip; the chart's
 * label sums the hour up for screen readers.
 */
export function MinuteChart({ hour, lang }: { hour: readonly MinuteBucket[]; lang: Language }) {
  const t = dashboardText[lang];
  const totals = { answered: 0, abandoned: 0, outbound: 0 };
  let peak = 0;
  for (const bucket of hour) {
    totals.answered += bucket.answered;
    totals.abandoned += bucket.abandoned;
    totals.outbound += bucket.outbound;
    peak = Math.max(peak, bucket.answered + bucket.abandoned + bucket.outbound);
  }
  const top = axisTop(peak);
  const plotHeight = HEIGHT - BOTTOM - TOP;
  const slot = (WIDTH - LEFT) / Math.max(1, hour.length);
  const y = (value: number) => TOP + plotHeight - (value / top) * plotHeight;
  return (
    <figure class="minute-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={format(t.chartSummary, totals)}>
        {[0, top / 2, top].map((tick) => (
          <g key={tick} class="chart-grid">
            <line x1={LEFT} x2={WIDTH} y1={y(tick)} y2={y(tick)} />
            <text x={LEFT - 6} y={y(tick) + 4} text-anchor="end">
              {tick}
            </text>
          </g>
        ))}
        {hour.map((bucket, i) => {
          let base = 0;
          const x = LEFT + i * slot + 1;
          return (
            <g key={bucket.minute}>
              <title>{format(t.minuteTitle, { time: clock(bucket.minute), answered: bucket.answered, abandoned: bucket.abandoned, outbound: bucket.outbound })}</title>
              <rect class="chart-slot" x={x - 1} y={TOP} width={slot} height={plotHeight} />
              {SERIES.map((series) => {
                const value = bucket[series];
                if (value === 0) return null;
                const bar = <rect key={series} class={`chart-bar chart-${series}`} x={x} y={y(base + value)} width={Math.max(1, slot - 2)} height={y(base) - y(base + value)} />;
                base += value;
                return bar;
              })}
            </g>
          );
        })}
        {hour.map((bucket, i) =>
          i % 10 === 0 || i === hour.length - 1 ? (
            <text key={`label-${bucket.minute}`} class="chart-label" x={i === hour.length - 1 ? WIDTH : LEFT + i * slot + slot / 2} y={HEIGHT - 5} text-anchor={i === hour.length - 1 ? 'end' : 'middle'}>
              {clock(bucket.minute)}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption class="chart-legend">
        {SERIES.map((series) => (
          <span key={series} class="chart-key">
            <span class={`chart-swatch chart-${series}`} aria-hidden="true" />
            {t[series]} {totals[series]}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
