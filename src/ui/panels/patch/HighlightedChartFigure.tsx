import { useLayoutEffect, type ComponentProps } from 'react';
import { ChartFigure } from '../../components/Figure';
import { moveHighlight, type HighlightTarget } from './chartHighlight';

type Props = ComponentProps<typeof ChartFigure> & {
  /**
   * The highlighted series (the chart must be built with lineChart's `highlight` option on it, at any x). Its
   * values are finite or NaN: an infinite value breaks the line, and the marker would then stay where it was built.
   */
  target: HighlightTarget | null;
  /** The step to mark. */
  x: number;
};

/** A chart whose step marker follows `x` by moving one circle: the chart itself is built once per data set. */
export function HighlightedChartFigure({ target, x, ...figure }: Props) {
  const { chart } = figure;
  useLayoutEffect(() => {
    if (chart && target) moveHighlight(chart, target, x);
  }, [chart, target, x]);
  return <ChartFigure {...figure} />;
}
