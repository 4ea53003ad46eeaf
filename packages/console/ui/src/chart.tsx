import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Axis labels in UTC, 24-hour: `14:30`, with the date under it at midnight and on the first label. */
function utcLabel(s: number, i: number): string {
  const iso = new Date(s * 1000).toISOString();
  const hm = iso.slice(11, 16);
  return i === 0 || hm === '00:00' ? `${hm}\n${iso.slice(0, 10)}` : hm;
}

/**
 * A time-series chart (uPlot: canvas, fast for tens of thousands of points, drag to zoom, double-click to reset), in UTC.
 * `data[0]` are x values in epoch seconds, the rest one array per series.
 */
export function Chart({ data, series, height }: { data: uPlot.AlignedData; series: uPlot.Series[]; height: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const width = Math.max(200, el.clientWidth);
    const plot = new uPlot(
      {
        width,
        height,
        series: [{}, ...series],
        scales: { x: { time: true } },
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
        axes: [{ values: (_u, splits) => splits.map(utcLabel) }, { size: 50 }],
        legend: { show: true },
        cursor: { drag: { x: true, y: false } },
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [data, series, height]);
  return <div class="chart" ref={box} />;
}
