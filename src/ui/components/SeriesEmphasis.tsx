import { useLayoutEffect, useMemo, useState } from 'react';
import { emphasizeSeries, seriesColors } from '../charts/lineChart';

interface SeriesEmphasisProps {
  /** A line chart with several series. */
  chart: SVGSVGElement | null;
  /** The series shown in colour when none is pointed at or chosen here (the panel's own choice), if it is drawn. */
  current: string;
  /** Accessible name of the group of buttons. */
  label: string;
}

/**
 * A key of buttons under a chart of many overlapping series: pointing at or focusing one draws that series in colour
 * over the others in grey; a click keeps it ("All" gives every series its colour back). Until then the panel's own
 * choice is the one in colour.
 */
export function SeriesEmphasis({ chart, current, label }: SeriesEmphasisProps) {
  const [pointed, setPointed] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null | undefined>(undefined);
  const colors = useMemo(() => (chart ? seriesColors(chart) : new Map<string, string>()), [chart]);
  const ids = [...colors.keys()];
  const fallback = chosen === undefined ? (ids.includes(current) ? current : null) : chosen;
  const shown = pointed ?? fallback;
  useLayoutEffect(() => {
    if (chart) emphasizeSeries(chart, shown);
  }, [chart, shown]);
  if (!chart || ids.length < 2) return null;
  const hover = (id: string) => ({
    onPointerEnter: () => setPointed(id), onPointerLeave: () => setPointed(null),
    onFocus: () => setPointed(id), onBlur: () => setPointed(null),
  });
  return (
    <div className="series-key" role="group" aria-label={label}>
      <button type="button" aria-pressed={fallback === null} onClick={() => setChosen(null)}>All</button>
      {ids.map((id) => (
        <button key={id} type="button" aria-pressed={fallback === id} onClick={() => setChosen(id)} {...hover(id)} data-testid={`emphasis-${id}`}>
          <span className="swatch" style={{ background: colors.get(id) }} aria-hidden="true" />{id}
        </button>
      ))}
    </div>
  );
}
